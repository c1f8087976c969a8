from django.core.management.base import CommandError

from core.management.base import SeedCommand, positive_int
from dvdrental.generation.config import ConfigError, read_config_file
from dvdrental.services import dvdrental_seed


def level_number(value: str) -> int:
    number = int(value)
    if number not in (1, 2, 3, 4):
        raise ValueError
    return number


def percent_above_minus_100(value: str) -> float:
    number = float(value)
    if not number > -100:
        raise ValueError
    return number


level_number.__name__ = "level (1, 2, 3 or 4)"
percent_above_minus_100.__name__ = "percentage above -100"


class Command(SeedCommand):
    help = (
        "Simulate a DVD rental business on the Sakila schema: level 1 (two weeks), 2 (append weeks), "
        "3 (five years, releases and purchasing) or 4 (ten-year lifecycle, churn, late fees, AR)."
    )
    domain = "dvdrental"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--level", type=level_number, default=1, help="Preset: 1, 2, 3 or 4 (default 1).")
        parser.add_argument(
            "--weeks",
            type=positive_int,
            help="Level 2: weeks to append (default 1). Levels 1, 3, 4: weeks to simulate instead of the preset's.",
        )
        parser.add_argument(
            "--seasonal",
            "--season",
            dest="season",
            type=percent_above_minus_100,
            help="Seasonal change in percent replacing the season model (e.g. 30 = +30%%, -20 = quieter).",
        )
        parser.add_argument(
            "--config",
            metavar="FILE.json",
            help="JSON file overriding keys of the level's preset (see dvdrental/data/level4.json for every key).",
        )

    def handle(self, *args, **options):
        self.user_config = None
        if options["config"]:
            try:
                self.user_config = read_config_file(options["config"])
                from dvdrental.generation.config import build_config

                build_config(options["level"], self.user_config)
            except ConfigError as exc:
                raise CommandError(str(exc)) from None
        super().handle(*args, **options)

    def guard_existing_data(self, alias, options):
        if options["level"] == 2 and not options["reset"]:
            return  # level 2 appends to what is there by design
        super().guard_existing_data(alias, options)

    def seed(self, *, using, options, progress):
        try:
            return dvdrental_seed(
                using=using,
                level=options["level"],
                seed=options["seed"],
                weeks=options["weeks"],
                season=options["season"],
                config=self.user_config,
                reset=options["reset"],
                batch_size=options["batch_size"],
                progress=progress,
            )
        except (ConfigError, ValueError) as exc:
            raise CommandError(str(exc)) from None
