from django.apps import AppConfig


class CardportfolioConfig(AppConfig):
    """A credit-card portfolio: customers in five segments and their monthly transactions."""

    name = "cardportfolio"
    verbose_name = "Card portfolio"

    def ready(self):
        from core.datasets import register

        register("cardportfolio.dataset", domain="cardportfolio")  # the dataset protocol: cardportfolio/dataset.py
