from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from churnlab.evaluation import (
    DEFAULT_TEST_SIZE,
    DEFAULT_THRESHOLD,
    EvaluationError,
    evaluate_churn_model,
    evaluate_forward_model,
)
from churnlab.parquet import truth_dir_for
from core.management.base import INTERRUPTED, OneLineErrorParser
from core.options import InputFile, Number, Seed, add_ranges_to_help

# Below 5% or above 95% held out, one side of the split has too few churners to train or to score.
TEST_SIZE = Number(0.05, 0.95, open_=True, why="both sides of the split need churners")
THRESHOLD = Number(0, 1, open_=True)


class Command(BaseCommand):
    help = (
        "Train churn models on the forward target (churn_training: features before a cutoff, churn in the days "
        "after it) and print held-out AUCs and the leak check; with --target recency, the logistic baseline on "
        "churn_features' recency label and how well that label agrees with the true churn dates."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineErrorParser
        add_ranges_to_help(parser)
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=Seed(), default=42, help="Seed of the train/test split (default 42).")
        parser.add_argument(
            "--target",
            choices=("forward", "recency"),
            default="forward",
            help="forward (default): churned_next of churn_training; recency: churn_label of churn_features.",
        )
        parser.add_argument(
            "--training",
            type=InputFile("Parquet file", missing="run run_churn_pipeline first"),
            default=settings.DATA_DIR / "analytics" / "churn_training.parquet",
            help="The forward target written by run_churn_pipeline (default data/analytics/churn_training.parquet).",
        )
        parser.add_argument(
            "--features",
            type=InputFile("Parquet file", missing="run run_churn_pipeline first"),
            default=settings.DATA_DIR / "analytics" / "churn_features.parquet",
            help="Features written by run_churn_pipeline (default data/analytics/churn_features.parquet).",
        )
        parser.add_argument(
            "--truth",
            type=Path,
            default=truth_dir_for(settings.DATA_DIR / "raw") / "churn_truth.parquet",
            help="Ground truth written by seed_churnlab (default data/truth/churn_truth.parquet).",
        )
        parser.add_argument(
            "--test-size",
            type=TEST_SIZE,
            default=DEFAULT_TEST_SIZE,
            help=f"Share of customers held out (default 0.25). Allowed: {TEST_SIZE.help_range()}.",
        )
        parser.add_argument(
            "--threshold",
            type=THRESHOLD,
            default=DEFAULT_THRESHOLD,
            help="Probability above which a customer is predicted to churn (default 0.5).",
        )

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except KeyboardInterrupt:
            raise CommandError("interrupted: nothing was written", returncode=INTERRUPTED) from None

    def handle(self, *args, **options):
        if options["target"] == "forward":
            try:
                forward = evaluate_forward_model(
                    training_path=options["training"], seed=options["seed"], test_size=options["test_size"]
                )
            except EvaluationError as exc:
                raise CommandError(str(exc)) from None
            for line in forward.lines():
                self.stdout.write(line)
            return
        try:
            evaluation = evaluate_churn_model(
                features_path=options["features"],
                truth_path=options["truth"],
                seed=options["seed"],
                test_size=options["test_size"],
                threshold=options["threshold"],
            )
        except EvaluationError as exc:
            raise CommandError(str(exc)) from None
        if evaluation.agreement is None:
            self.stderr.write(f"no ground truth at {options['truth']}: label-vs-truth agreement skipped")
        for line in evaluation.lines():
            self.stdout.write(line)
