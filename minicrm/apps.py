from django.apps import AppConfig


class MinicrmConfig(AppConfig):
    """A small online shop's CRM: customers, products, orders and RFM scores."""

    name = "minicrm"
    verbose_name = "MiniCRM"
    # Run after the seed: the RFM scores the dashboard shows come from it;
    # the home page shows it after the regenerate command.
    after_seed_command = "python manage.py calculate_rfm"
    # The table that command fills: seeded without it, the dataset is "built, needs" the command.
    after_seed_table = "rfm_scores"

    def ready(self):
        from core.datasets import register

        register("minicrm.dataset", domain="minicrm")  # the dataset protocol: minicrm/dataset.py
