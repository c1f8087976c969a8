from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery of every domain: database targeting, the bulk loader, base commands, admin and API bits."""

    name = "core"
    verbose_name = "Shared toolkit"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .cache import connect_model_signals

        connect_model_signals()
