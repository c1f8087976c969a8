"""Is a dataset there? One check for the API, the admin, the home page and the dashboards.

A dataset is *unbuilt* when its database lacks the domain's tables (nothing was ever seeded into it, or the server
is down); *half-built* when it holds rows but the follow-up command (`calculate_rfm`, `run_churn_pipeline`) has not
filled the table it writes. Requests for an unbuilt dataset answer 404 with the command to run instead of a 500
(`no such table`). The answer is cached per dataset version (`core.cache`): any seed moves the version on and the
next look is a fresh one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.utils import Error as DatabaseError
from django.http import JsonResponse
from django.shortcuts import render

from core.cache import dataset_version


@dataclass(frozen=True)
class DatasetState:
    """What a dataset's database holds: its tables at all, and whether the follow-up step has run."""

    domain: str
    tables_exist: bool
    needs: str = ""  # the follow-up command still to run, when the seed ran but it did not

    @property
    def build_command(self) -> str:
        return f"python manage.py seed_{self.domain}"


_states: dict[tuple[str, str], DatasetState] = {}


def after_seed(domain: str) -> tuple[str, str]:
    """The domain's follow-up command and the table it fills ("", "" when the seed is the whole build)."""
    config = apps.get_app_config(domain)
    return getattr(config, "after_seed_command", ""), getattr(config, "after_seed_table", "")


def _missing_tables(domain: str) -> bool:
    wanted = {model._meta.db_table for model in apps.get_app_config(domain).get_models()}
    try:
        with connections[domain].cursor() as cursor:
            present = set(connections[domain].introspection.table_names(cursor))
    except DatabaseError:  # server down or database missing: as good as unbuilt for a reader
        return True
    return not wanted <= present


def _follow_up_missing(domain: str) -> str:
    command, table = after_seed(domain)
    if not command or not table:
        return ""
    models = apps.get_app_config(domain).get_models()
    filled = next(model for model in models if model._meta.db_table == table)
    others = [model for model in apps.get_app_config(domain).get_models() if model is not filled]
    try:
        seeded = any(model.objects.using(domain).exists() for model in others)
        return command if seeded and not filled.objects.using(domain).exists() else ""
    except DatabaseError:
        return ""


def dataset_state(domain: str) -> DatasetState:
    """The state of `domain`'s configured database, computed once per dataset version and process."""
    key = (domain, dataset_version(domain))
    state = _states.get(key)
    if state is None:
        if _missing_tables(domain):
            state = DatasetState(domain, tables_exist=False)
        else:
            state = DatasetState(domain, tables_exist=True, needs=_follow_up_missing(domain))
        if len(_states) > 64:
            _states.clear()
        _states[key] = state
    return state


def forget_dataset_states() -> None:
    """Drop the per-process answers (tests that create or drop tables behind the version's back)."""
    _states.clear()


def _domain_of(view_func) -> str:
    """The dataset a view reads: the admin model's app, or the app whose module defines the (API) view."""
    model_admin = getattr(view_func, "model_admin", None)
    if model_admin is not None:
        return model_admin.model._meta.app_label
    # Django's and DRF's as_view() and @api_view copy the view's module onto the function they return.
    return (getattr(view_func, "__module__", "") or "").split(".", 1)[0]


class UnbuiltDatasetMiddleware:
    """Answer requests for an unbuilt dataset's API or admin pages with a 404 naming the command to run.

    It acts only when a view fails with a database error, so a request for a built dataset costs nothing (the
    query-count tests see no extra query); then it looks whether the domain's tables are there at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.dataset_domain = _domain_of(view_func)

    def process_exception(self, request, exception):
        domain = getattr(request, "dataset_domain", "")
        if not isinstance(exception, DatabaseError) or domain not in settings.DOMAIN_APPS:
            return None
        state = dataset_state(domain)
        if state.tables_exist:
            return None
        message = f"the {domain} dataset is not built yet: run `{state.build_command}`"
        if request.path_info.startswith("/admin/"):
            context = {"domain": domain, "state": state, "title": f"{domain} is not built yet"}
            return render(request, "unbuilt.html", context, status=404)
        return JsonResponse({"detail": message, "command": state.build_command}, status=404)
