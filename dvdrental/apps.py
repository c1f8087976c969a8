from django.apps import AppConfig


class DvdrentalConfig(AppConfig):
    """A DVD rental store on the Sakila schema, from a two-week sample up to a 10-year business lifecycle."""

    name = "dvdrental"
    verbose_name = "DVD rental"

    def ready(self):
        from core.datasets import register

        register("dvdrental.dataset", domain="dvdrental")  # the dataset protocol: dvdrental/dataset.py
