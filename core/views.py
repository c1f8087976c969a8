"""Pages: the home page (one card per dataset), data dictionaries and dashboards."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db.utils import Error as DatabaseError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from core import downloads
from core.availability import dataset_state
from core.databases import describe
from core.dictionary import dictionary_page
from core.export import EXPORT_FORMATS


def _latest_run(domain: str):
    from core.models import SeedRun

    try:
        return SeedRun.objects.filter(domain=domain).first()
    except DatabaseError:  # Django's own database not migrated yet: the page still works
        return None


def _generation_record(domain: str, run):
    """How the data was made, as the database itself records it (`core.datasets.generation_info`).

    The site's own SeedRun lives in Django's database, so a dataset seeded by another site or process (a shared
    server, `--database-url`, a database copied in) has none, or an older one with another seed: the database's
    record then names the seed and options instead, as an unsaved SeedRun so the page builds the same command.
    """
    from core.datasets import generation_info
    from core.models import SeedRun

    record = generation_info(using=domain)  # None when unreadable: read_generation catches database errors
    if record is None or record.get("domain") != domain:
        return run, None
    if run is not None and run.seed == record["seed"]:
        return run, None
    recorded = SeedRun(domain=domain, command=f"seed_{domain}", seed=record["seed"], options=dict(record["options"]))
    recorded.scale = record["scale"]
    return None, recorded


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
    run, recorded = _latest_run(domain), None
    if built:
        run, recorded = _generation_record(domain, run)
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
        "run": run,
        # Made elsewhere: the seed and options the database records (None when `run` says it).
        "recorded": recorded,
        "after_seed_command": getattr(config, "after_seed_command", ""),
        "has_dashboard": _has_dashboard(domain),
        "has_admin": any(admin.site.is_registered(model) for model in config.get_models()),
        "downloads": downloads.download_offers(domain, total_rows=sum(t["rows"] or 0 for t in tables)) if built else [],
    }


def _built_or_404(domain: str) -> dict:
    card = domain_card(_domain_or_404(domain))
    if not card["built"]:
        raise Http404(f"{domain} is not built yet: run {card['build_command']}")
    return card


def download(request, domain: str, fmt: str):
    """A zip of the domain's tables at any size: streamed while it is written, then served from disk."""
    if fmt not in EXPORT_FORMATS:
        raise Http404(f"no format called {fmt!r}")
    _built_or_404(domain)
    filename = f"{domain}-{fmt}.zip"
    cached = downloads.cached_path(domain, fmt)
    if cached.exists():
        return downloads.file_response(request, cached, filename=filename, content_type="application/zip")
    response = StreamingHttpResponse(downloads.zip_stream(domain=domain, fmt=fmt), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download_dump(request, domain: str, kind: str):
    """The DuckDB file or an SQL dump per dialect, built once per dataset version, resumable with byte ranges."""
    if kind not in downloads.DUMPS:
        raise Http404(f"no download called {kind!r}")
    _built_or_404(domain)
    path = downloads.built_dump(domain, kind)
    content_type = "application/sql" if kind.endswith(".sql") else "application/octet-stream"
    return downloads.file_response(request, path, filename=f"{domain}.{kind}", content_type=content_type)


def download_sqlite(request, domain: str):
    """The domain's SQLite database file (a consistent copy of this version), resumable with byte ranges."""
    _built_or_404(domain)
    if not downloads.serves_sqlite_file(domain):
        raise Http404(f"{domain} is not stored in SQLite here: download its CSV or Parquet zip")
    path = downloads.sqlite_snapshot(domain)
    return downloads.file_response(request, path, filename=f"{domain}.sqlite3", content_type="application/vnd.sqlite3")


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
