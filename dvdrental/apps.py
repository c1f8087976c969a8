from django.apps import AppConfig


class DvdrentalConfig(AppConfig):
    """A DVD rental store on the Sakila schema, from a two-week sample up to a 10-year business lifecycle."""

    name = "dvdrental"
    verbose_name = "DVD rental"

    def ready(self):
        from core.datasets import register

        register("dvdrental.dataset", domain="dvdrental")  # the dataset protocol: dvdrental/dataset.py
        from django.db.models.signals import post_migrate, pre_migrate

        from .sakila import drop_before_migrate, install_after_migrate

        pre_migrate.connect(drop_before_migrate, sender=self)  # Sakila's views would block some migrations
        post_migrate.connect(install_after_migrate, sender=self)
