from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError

from core.management.base import DomainCommand, positive_int
from core.teaching.answers import answer_key, dialect_of
from core.teaching.commands import built_database, exercises_or_error
from core.teaching.worksheet import worksheet_json, worksheet_markdown, worksheet_sql

FORMATS = ("markdown", "json", "sql")


class Command(DomainCommand):
    help = "Print a domain's SQL exercises; --answers adds the expected results computed on the current dataset."

    def add_arguments(self, parser):
        parser.add_argument("domain", choices=settings.DOMAIN_APPS, help="The domain whose exercises to print.")
        super().add_arguments(parser)
        parser.add_argument("--format", choices=FORMATS, default="markdown", help="Output format (default markdown).")
        parser.add_argument("--answers", action="store_true", help="Add each exercise's expected result.")
        parser.add_argument("--solutions", action="store_true", help="Add the reference solution for the database.")
        parser.add_argument("--rows", type=positive_int, default=10, help="Result rows shown per answer (default 10).")
        parser.add_argument("--out", help="Write the worksheet, the student template and the key into this folder.")

    def handle(self, *args, **options):
        self.domain = domain = options["domain"]
        exercises = exercises_or_error(domain)
        alias = None
        if options["answers"] or options["solutions"] or options["out"]:
            alias = built_database(domain, options["database_url"])
        answers = {a.exercise.id: a for a in answer_key(domain, alias=alias, exercises=exercises)} if alias else None
        solutions = {e.id: e.solutions.for_dialect(dialect_of(alias)) for e in exercises} if alias else None
        title = apps.get_app_config(domain).verbose_name
        shown = options["rows"]

        def render(fmt, *, with_answers, with_solutions):
            kept_answers = answers if with_answers else None
            kept_solutions = solutions if with_solutions else None
            if fmt == "json":
                return worksheet_json(exercises=exercises, answers=kept_answers, solutions=kept_solutions, shown=shown)
            if fmt == "sql":
                return worksheet_sql(exercises=exercises, solutions=kept_solutions)
            return worksheet_markdown(
                title=title, exercises=exercises, answers=kept_answers, solutions=kept_solutions, shown=shown
            )

        if options["out"]:
            files = {
                f"{domain}-worksheet.md": render("markdown", with_answers=False, with_solutions=False),
                f"{domain}-answers.sql": render("sql", with_answers=False, with_solutions=False),
                f"{domain}-key.md": render("markdown", with_answers=True, with_solutions=True),
                f"{domain}-key.json": render("json", with_answers=True, with_solutions=True),
                f"{domain}-solutions.sql": render("sql", with_answers=False, with_solutions=True),
            }
            out = Path(options["out"])
            try:
                out.mkdir(parents=True, exist_ok=True)
                for name, text in files.items():
                    (out / name).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot write to {out}: {exc.strerror}") from None
            failed = [a.exercise.id for a in answers.values() if a.error]
            lines = [f"wrote {out / name}" for name in files]
            lines.append(
                f"{len(exercises)} exercises; grade a student's file: python manage.py check_answers {domain} FILE"
            )
            if failed:
                lines.append(f"no answer on this dataset for: {', '.join(failed)}")
            self.write_lines(lines, options)
            return
        self.stdout.write(
            render(options["format"], with_answers=options["answers"], with_solutions=options["solutions"]), ending=""
        )
