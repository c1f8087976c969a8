from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from core.management.base import DomainCommand
from core.teaching.commands import built_database, read_text_file
from core.teaching.truth import PredictionFileError, predictions_score


class Command(DomainCommand):
    help = (
        "Score predictions against the simulation's hidden truth: a CSV customer_id,score (churn; AUC) or "
        "customer_id,label (class: persona or segment; accuracy, confusion matrix)."
    )

    def add_arguments(self, parser):
        parser.add_argument("domain", choices=settings.DOMAIN_APPS, help="The domain the predictions are for.")
        parser.add_argument("file", help="CSV with the header customer_id,score or customer_id,label.")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        self.domain = domain = options["domain"]
        path = Path(options["file"])
        text = read_text_file(path)
        alias = built_database(domain, options["database_url"])
        try:
            score = predictions_score(domain=domain, using=alias, text=text, source=str(path))
        except PredictionFileError as exc:
            raise CommandError(str(exc)) from None
        self.write_lines(score.lines(), options)
