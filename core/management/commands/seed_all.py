"""Build every dataset and run each follow-up step (`calculate_rfm`, `run_churn_pipeline`), one line per step."""

from __future__ import annotations

import json
import tempfile
import time
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, load_command_class
from django.core.management.base import BaseCommand, CommandError

from core.availability import after_seed, dataset_state, forget_dataset_states
from core.management.base import non_negative_int

# Options that size a domain, scaled by --scale where the command has no --scale of its own.
SIZE_OPTIONS = ("scale", "customers", "count")


def _sizing(command_name: str, scale: float) -> dict:
    """The size option of one seed command at `scale`: its own --scale, else its count option scaled."""
    command = load_command_class(_app_of(command_name), command_name)
    parser = command.create_parser("manage.py", command_name)
    defaults = {action.dest: action.default for action in parser._actions}
    own = getattr(command, "_own_options", defaults)  # not the --scale every seed command gets from SeedCommand
    for name in SIZE_OPTIONS:
        if name in defaults and name in own:
            if name == "scale":
                return {"scale": scale}
            return {name: max(1, round(defaults[name] * scale))} if scale != 1 else {}
    return {"level": 4} if "level" in defaults else {}


def _app_of(command_name: str) -> str:
    return command_name.removeprefix("seed_")


class Command(BaseCommand):
    help = "Build every dataset (each seed_<domain>) and run each follow-up step, with one summary at the end."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Size of every dataset relative to its default (default 1; e.g. 0.01 for a quick look).",
        )
        parser.add_argument(
            "--seed", type=non_negative_int, default=42, help="Master random seed of every dataset (default 42)."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Rebuild datasets that already hold data (default: keep them)."
        )
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive", help="Do not ask before --reset."
        )
        parser.add_argument(
            "--only", nargs="+", choices=settings.DOMAIN_APPS, help="Build only these datasets (default: all)."
        )

    def handle(self, *args, **options):
        if not 0 < options["scale"] <= 1000:
            raise CommandError(f"--scale {options['scale']:g} is out of range: give a number above 0 and up to 1000")
        domains = options["only"] or list(settings.DOMAIN_APPS)
        steps = []
        for domain in domains:
            steps.append((domain, f"seed_{domain}"))
            follow_up, _ = after_seed(domain)
            if follow_up:
                steps.append((domain, follow_up.removeprefix("python manage.py ")))
        summary = []
        with tempfile.TemporaryDirectory() as scratch:
            for number, (domain, name) in enumerate(steps, start=1):
                self.stdout.write(f"[{number}/{len(steps)}] {domain}: {name} ...", ending="")
                self.stdout.flush()
                outcome = self.run_step(domain, name, options, Path(scratch) / f"{name}.json")
                self.stdout.write(f" {outcome}")
                summary.append((domain, name, outcome))
        self.stdout.write("Summary:")
        for domain in domains:
            state = dataset_state(domain)
            status = (
                "not built" if not state.tables_exist else f"built, needs {state.needs}" if state.needs else "built"
            )
            self.stdout.write(f"  {domain:<14} {status}")
        self.stdout.write("Next: python manage.py runserver  (then open http://127.0.0.1:8000/)")

    def run_step(self, domain: str, name: str, options: dict, report_path: Path) -> str:
        started = time.perf_counter()
        forget_dataset_states()
        out = StringIO()
        if name.startswith("seed_"):
            state = dataset_state(domain)
            if state.tables_exist and not options["reset"] and _holds_data(domain):
                return "already built, kept (--reset rebuilds it)"
            kwargs = {**_sizing(name, options["scale"]), "seed": options["seed"], "report_json": str(report_path)}
            if options["reset"]:
                kwargs.update(reset=True, interactive=options["interactive"])
        else:
            if not dataset_state(domain).needs and not options["reset"]:
                return "already done, kept"
            kwargs = {}
        try:
            call_command(name, stdout=out, stderr=out, **kwargs)
        except CommandError as exc:
            raise CommandError(f"{name} failed: {exc} (the datasets built before it are kept)") from None
        seconds = time.perf_counter() - started
        if report_path.exists():
            rows = json.loads(report_path.read_text())["total_rows"]
            return f"{rows:,} rows in {seconds:.1f} s"
        return f"done in {seconds:.1f} s"


def _holds_data(domain: str) -> bool:
    from django.apps import apps

    return any(model.objects.using(domain).exists() for model in apps.get_app_config(domain).get_models())
