from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from core.management.base import DomainCommand
from core.teaching.answers import AnswerFileError, answers_check
from core.teaching.commands import built_database, exercises_or_error, read_text_file


class Command(DomainCommand):
    help = "Grade a .sql file of answers (each query after a line '-- exercise: ID') by result on the dataset."

    def add_arguments(self, parser):
        parser.add_argument("domain", choices=settings.DOMAIN_APPS, help="The domain the answers are for.")
        parser.add_argument("file", help="The .sql file to grade (python manage.py exercises DOMAIN --format sql).")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        self.domain = domain = options["domain"]
        exercises_or_error(domain)
        path = Path(options["file"])
        text = read_text_file(path)
        alias = built_database(domain, options["database_url"])
        try:
            report = answers_check(domain=domain, alias=alias, text=text, source=str(path))
        except AnswerFileError as exc:
            raise CommandError(str(exc)) from None
        self.write_lines([verdict.line() for verdict in report.verdicts], options)
        if report.wrong:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
