from django.apps import AppConfig


class ChurnlabConfig(AppConfig):
    """SaaS churn analytics: daily usage, billing and support to Parquet, a DuckDB SQL feature pipeline."""

    name = "churnlab"
    verbose_name = "Churn lab"
