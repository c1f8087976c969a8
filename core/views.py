"""Pages: the home page (one card per dataset), data dictionaries and dashboards."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db.utils import Error as DatabaseError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from core.availability import dataset_state
from core.databases import describe
from core.dictionary import dictionary_page
from core.export import EXPORT_FORMATS, dataset_zip


def _latest_run(domain: str):
    from core.models import SeedRun

    try:
        return SeedRun.objects.filter(domain=domain).first()
    except DatabaseError:  # Django's own database not migrated yet: the page still works
        return None


def _has_dashboard(domain: str) -> bool:
    try:
        get_template(f"dashboards/{domain}.html")
    except TemplateDoesNotExist:
        return False
    return True


def domain_card(domain: str) -> dict:
    """What the home page shows for one dataset: built, half-built or not, rows per table, how it was generated."""
    config = apps.get_app_config(domain)
    state = dataset_state(domain)
    tables = []
    reachable = state.tables_exist
    for model in config.get_models():
        count = None
        if reachable:
            try:
                count = model.objects.count()
            except DatabaseError:  # server gone since the state was taken
                reachable = False
        tables.append({"name": model._meta.db_table, "rows": count})
    built = reachable and any(table["rows"] for table in tables)
    return {
        "domain": domain,
        "title": config.verbose_name,
        "description": " ".join((config.__doc__ or "").split()),
        "implemented": bool(tables),
        "built": built,
        # The follow-up command still to run ("built, needs calculate_rfm"), or "".
        "needs": state.needs if built else "",
        "build_command": state.build_command,
        "database": describe(domain),
        "tables": tables,
        "total_rows": sum(table["rows"] or 0 for table in tables),
        "run": _latest_run(domain),
        "after_seed_command": getattr(config, "after_seed_command", ""),
        "has_dashboard": _has_dashboard(domain),
        "has_admin": any(admin.site.is_registered(model) for model in config.get_models()),
        "downloadable": built and sum(table["rows"] or 0 for table in tables) <= settings.DOWNLOAD_MAX_ROWS,
    }


def download(request, domain: str, fmt: str):
    """A zip of the domain's tables, for datasets small enough to build on request."""
    domain = _domain_or_404(domain)
    if fmt not in EXPORT_FORMATS:
        raise Http404(f"no format called {fmt!r}")
    card = domain_card(domain)
    if not card["built"]:
        raise Http404(f"{domain} is not built yet")
    if card["total_rows"] > settings.DOWNLOAD_MAX_ROWS:
        return HttpResponse(
            f"{domain} holds {card['total_rows']:,} rows, more than downloads build on request "
            f"({settings.DOWNLOAD_MAX_ROWS:,}). Run: "
            f"python manage.py export_dataset {domain} --format {fmt} --out DIR\n",
            status=413,
            content_type="text/plain",
        )
    archive = dataset_zip(domain=domain, using=domain, fmt=fmt)
    return FileResponse(archive, as_attachment=True, filename=f"{domain}-{fmt}.zip", content_type="application/zip")


def _domain_or_404(domain: str) -> str:
    if domain not in settings.DOMAIN_APPS:
        raise Http404(f"no dataset called {domain!r}")
    return domain


def home(request):
    cards = [domain_card(domain) for domain in settings.DOMAIN_APPS]
    return render(request, "home.html", {"cards": cards})


def dictionary(request, domain: str):
    domain = _domain_or_404(domain)
    config = apps.get_app_config(domain)
    return render(
        request,
        "dictionary.html",
        {"domain": domain, "title": config.verbose_name, **dictionary_page(domain)},
    )


def dashboard(request, domain: str):
    domain = _domain_or_404(domain)
    card = domain_card(domain)
    ready = card["has_dashboard"] and card["built"] and not card["needs"]
    template = f"dashboards/{domain}.html" if ready else "dashboards/missing.html"
    return render(request, template, {"card": card, "domain": domain, "title": card["title"]})
