from django.apps import AppConfig


class CardportfolioConfig(AppConfig):
    """A credit-card portfolio: customers in five segments and their monthly transactions."""

    name = "cardportfolio"
    verbose_name = "Card portfolio"
