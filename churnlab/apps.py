from django.apps import AppConfig


class ChurnlabConfig(AppConfig):
    """SaaS churn analytics: daily usage, billing and support to Parquet, a DuckDB SQL feature pipeline."""

    name = "churnlab"
    verbose_name = "Churn lab"
    # Run after the seed: the features, labels and data-quality checks come from it;
    # the home page shows it after the regenerate command.
    after_seed_command = "python manage.py run_churn_pipeline"
    # The table that command fills: seeded without it, the dataset is "built, needs" the command.
    after_seed_table = "churn_features"

    def ready(self):
        from core.datasets import register

        register("churnlab.dataset", domain="churnlab")  # the dataset protocol: churnlab/dataset.py
