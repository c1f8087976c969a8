from django.apps import AppConfig


class MinicrmConfig(AppConfig):
    """A small online shop's CRM: customers, products, orders and RFM scores."""

    name = "minicrm"
    verbose_name = "MiniCRM"
