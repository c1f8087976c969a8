"""`python manage.py fidelity DOMAIN`: configured parameters against the data, one line each; non-zero on a miss."""

import json

from django.core.management.base import CommandError

from core.fidelity import FidelityUnavailable, check_as_dict, fidelity_checks, fidelity_domains, fidelity_summary
from core.management.base import DomainCommand
from core.validation import recovery_report


class Command(DomainCommand):
    help = "Measure every configured parameter of a seeded domain from its data; exit 1 when one is off."

    def add_arguments(self, parser):
        parser.add_argument("domain", help="The dataset to check, e.g. dvdrental.")
        super().add_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print the checks as JSON instead of lines.")

    def handle(self, *args, **options):
        self.domain = options["domain"]
        if self.domain not in fidelity_domains():
            known = ", ".join(fidelity_domains()) or "none yet"
            raise CommandError(f"no fidelity checks for {self.domain!r} (domains with checks: {known})")
        alias = self.target_database(options)
        try:
            checks = fidelity_checks(self.domain, using=alias)
        except FidelityUnavailable as exc:
            raise CommandError(str(exc)) from None
        if not checks:
            raise CommandError(
                f"{self.domain} has no data to check; seed it first (python manage.py seed_{self.domain})"
            )
        if options["json"]:
            payload = {
                "domain": self.domain,
                "summary": fidelity_summary(checks),
                "checks": [check_as_dict(c) for c in checks],
            }
            self.stdout.write(json.dumps(payload, indent=2))
        else:
            self.write_lines(recovery_report(checks), options)
        if not all(check.passed for check in checks):
            raise CommandError(fidelity_summary(checks))
