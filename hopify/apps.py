from django.apps import AppConfig


class HopifyConfig(AppConfig):
    """A B2B SaaS company over 36 months: subscriptions, orders, churn, campaigns, web funnel and KPI benchmarks."""

    name = "hopify"
    verbose_name = "Hopify (B2B SaaS)"

    def ready(self):
        from core.datasets import register

        register("hopify.dataset", domain="hopify")  # the dataset protocol: hopify/dataset.py
