"""System checks for misconfigured domain databases."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def domain_databases_configured(app_configs=None, **kwargs):
    """Every domain app needs a database alias of its own name, and the router that uses it."""
    errors = []
    for domain in settings.DOMAIN_APPS:
        if domain not in settings.DATABASES:
            errors.append(
                Error(
                    f"No database alias '{domain}' for the {domain} app.",
                    hint=f"Set {domain.upper()}_DATABASE_URL or keep the SQLite default.",
                    id="core.E001",
                )
            )
    if "config.routers.DomainRouter" not in settings.DATABASE_ROUTERS:
        errors.append(Error("config.routers.DomainRouter is not in DATABASE_ROUTERS.", id="core.E002"))
    return errors
