"""Records shared by every domain. They live in Django's own database (`default`)."""

from django.db import models


class SeedRun(models.Model):
    """One successful seed of a domain's configured database: when, with which seed and options, what it made."""

    domain = models.CharField(max_length=40, db_index=True, help_text="App label of the domain seeded.")
    command = models.CharField(max_length=60, help_text="The management command that ran, e.g. seed_minicrm.")
    database = models.CharField(max_length=300, help_text="The database written to (no password).")
    seed = models.BigIntegerField(help_text="Master random seed of the run.")
    options = models.JSONField(default=dict, help_text="The data-shaping options of the run (not batch size).")
    rows = models.JSONField(default=dict, help_text="Rows written per table.")
    total_rows = models.BigIntegerField(help_text="Rows written in all tables.")
    seconds = models.FloatField(help_text="Wall time of generation and load.")
    finished_at = models.DateTimeField(auto_now_add=True, help_text="When the run committed (wall clock).")

    class Meta:
        db_table = "core_seed_run"
        ordering = ["-finished_at", "-id"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"{self.command} seed {self.seed} at {self.finished_at:%Y-%m-%d %H:%M}"

    @property
    def regenerate_command(self) -> str:
        """The command line that reproduces this run's data."""
        parts = [f"python manage.py {self.command}", f"--seed {self.seed}"]
        for name, value in self.options.items():
            flag = "--" + name.replace("_", "-")
            if value is True:
                parts.append(flag)
            elif value not in (None, False):
                parts.append(f"{flag} {value}")
        return " ".join(parts)


class DataDefectBase(models.Model):
    """The answer key of `--defects light|heavy`: one row per value damaged on purpose (see `simkit.defects`).

    Each domain subclasses it (no fields to add) so its database gets a `data_defects` table beside the data.
    """

    table_name = models.CharField(max_length=64, help_text="Table holding the damaged value.")
    row_id = models.BigIntegerField(help_text="Primary key of the damaged row (for a duplicate: the copy's id).")
    column_name = models.CharField(max_length=64, help_text="Column of the damaged value.")
    kind = models.CharField(
        max_length=20,
        help_text="duplicate, typo, casing, missing, out_of_range, impossible_date or late_arriving.",
    )
    clean_value = models.TextField(null=True, blank=True, help_text="The value before damage (duplicate: source id).")

    class Meta:
        abstract = True
        db_table = "data_defects"

    def __str__(self):
        return f"{self.table_name}.{self.column_name} #{self.row_id}: {self.kind}"
