from django.core.management.base import CommandError

from core.management.base import SeedCommand
from core.options import LATEST_DATE, Choice, Date, InputFile, Integer, Number, OptionError, with_range
from dvdrental.generation.config import ConfigError, build_config, read_config_file
from dvdrental.services import dvdrental_seed

level_number = Choice((1, 2, 3, 4))
# Level 4's 520 weeks are ~200,000 rentals in ~9 s; 2,600 weeks (50 years) stay within minutes and inside the
# documented date range.
WEEKS = Integer(1, 2_600, why="50 years of weeks")
SEASON = Number(-100, 1000, open_=True, why="a change in percent: -100 would close the shop")
CONFIG_FILE = InputFile("JSON file")


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
            type=WEEKS,
            help=with_range(
                "Level 2: weeks to append (default 1). Levels 1, 3, 4: weeks to simulate instead of the preset's.",
                WEEKS,
            ),
        )
        parser.add_argument(
            "--seasonal",
            "--season",
            dest="season",
            type=SEASON,
            help="Seasonal change in percent replacing the season model (e.g. 30 = +30%%, -20 = quieter). "
            f"Allowed: {SEASON.help_range()}.",
        )
        parser.add_argument(
            "--config",
            metavar="FILE.json",
            type=CONFIG_FILE,
            help="JSON file overriding keys of the level's preset (see dvdrental/data/level4.json for every key).",
        )

    def handle(self, *args, **options):
        self.user_config = None
        try:
            if options["config"]:
                self.user_config = read_config_file(options["config"])
            config = build_config(options["level"], self.user_config)
            self.check_dates(config, options)
        except (ConfigError, OptionError) as exc:
            raise CommandError(str(exc)) from None
        super().handle(*args, **options)

    @staticmethod
    def check_dates(config: dict, options) -> None:
        """The simulated weeks must end inside the documented date range (no overflow at the calendar's end)."""
        try:
            start = Date().parse(config["simulation"]["start_date"])
        except OptionError as exc:
            raise OptionError(f"config key simulation.start_date: {exc}") from None
        weeks = options["weeks"] or config["simulation"]["initial_weeks"]
        if (LATEST_DATE - start).days < 7 * weeks:
            raise OptionError(
                f"config key simulation.start_date {start} plus {weeks:,} weeks ends after {LATEST_DATE}: "
                "start earlier or simulate fewer weeks"
            )

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
                defects=options.get("defects") or "none",
            )
        except (ConfigError, ValueError) as exc:
            raise CommandError(str(exc)) from None
