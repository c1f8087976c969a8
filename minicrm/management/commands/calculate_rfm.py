from django.core.management.base import CommandError

from core.management.base import DomainCommand
from core.options import Date, with_range
from minicrm import selectors
from minicrm.constants import PERSONA_LABELS, Persona, Segment
from minicrm.services import rfm_calculate


class Command(DomainCommand):
    help = "Compute recency, frequency and monetary scores (1-5, 5 = best) and segments for every customer."
    domain = "minicrm"
    locks_dataset = True  # it writes the dataset (core.locks)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--as-of",
            type=Date(),
            help=with_range(
                "Measure recency against this date, YYYY-MM-DD (default: the day after the last order, so results "
                "do not drift with the calendar); a date before the first order is refused.",
                Date(),
            ),
        )
        parser.add_argument("--dry-run", action="store_true", help="Compute and report, but write nothing.")
        parser.add_argument("--verbose", action="store_true", help="Also print the persona x segment table.")

    def handle(self, *args, **options):
        using = self.target_database(options)
        first = selectors.rfm_first_order_day(using=using)
        if first is not None and options["as_of"] is not None and options["as_of"] <= first:
            # Scoring nobody would replace every stored score with none: refuse instead of wiping.
            raise CommandError(
                f"--as-of {options['as_of']} is not after the first order ({first}): no customer could be scored; "
                "nothing was changed"
            )
        result = rfm_calculate(using=using, as_of=options["as_of"], dry_run=options["dry_run"])
        if result.as_of is None:
            raise CommandError("no orders to score: run seed_minicrm first")
        verb = "Would score" if options["dry_run"] else "Scored"
        lines = [f"{verb} {result.customers_scored:,} customers as of {result.as_of} in {result.seconds:.1f} s"]
        if not options["dry_run"]:
            lines += self.segment_lines(using)
            if options["verbose"] or options["verbosity"] >= 2:
                lines += self.matrix_lines(using)
        self.write_lines(lines, options)

    @staticmethod
    def segment_lines(using) -> list[str]:
        rows = selectors.rfm_segment_summary(using=using)
        total = sum(row["customers"] for row in rows) or 1
        lines = ["", f"{'segment':<20} {'customers':>9} {'share':>6} {'revenue':>8}"]
        lines += [
            f"{row['segment']:<20} {row['customers']:>9,} {row['customers'] / total:>6.1%} {row['revenue_share']:>8.1%}"
            for row in rows
        ]
        return lines

    @staticmethod
    def matrix_lines(using) -> list[str]:
        matrix = selectors.persona_segment_matrix(using=using)
        segments = [segment.value for segment in Segment]
        short = [segment.split()[0][:8] for segment in segments]
        lines = ["", "persona x segment (ground truth vs RFM)", f"{'':<18}" + "".join(f"{s:>9}" for s in short)]
        for persona in Persona:
            row = matrix.get(persona.value, {})
            lines.append(f"{PERSONA_LABELS[persona]:<18}" + "".join(f"{row.get(s, 0):>9,}" for s in segments))
        return lines
