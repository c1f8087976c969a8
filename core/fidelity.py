"""Fidelity: every configured parameter of a domain against the value measured from its data.

Each domain provides `<app>/fidelity.py` with

    def fidelity_checks(*, using: str) -> list[core.validation.ParameterCheck]

(configured value, measured value, tolerance; the verdict follows). `python manage.py fidelity DOMAIN` prints them
and exits non-zero when one fails; seed reports show `fidelity_summary`.
"""

from __future__ import annotations

import importlib
import importlib.util

from django.apps import apps

from core.validation import ParameterCheck


class FidelityUnavailable(LookupError):
    """The domain has no fidelity module (or is not an installed app)."""


def fidelity_domains() -> list[str]:
    """Installed apps that provide `<app>/fidelity.py`."""
    return sorted(
        config.label
        for config in apps.get_app_configs()
        if importlib.util.find_spec(f"{config.name}.fidelity") is not None
    )


def fidelity_checks(domain: str, *, using: str) -> list[ParameterCheck]:
    """The domain's checks measured on database alias `using`."""
    if domain not in fidelity_domains():
        known = ", ".join(fidelity_domains()) or "none"
        raise FidelityUnavailable(f"no fidelity checks for {domain!r} (domains with checks: {known})")
    module = importlib.import_module(f"{apps.get_app_config(domain).name}.fidelity")
    return module.fidelity_checks(using=using)


def check_as_dict(check: ParameterCheck) -> dict:
    return {
        "parameter": check.name,
        "expected": float(check.expected),
        "actual": float(check.actual),
        "tolerance": float(check.tolerance),
        "deviation": round(float(check.deviation), 6),
        "passed": bool(check.passed),
    }


def fidelity_summary(checks: list[ParameterCheck]) -> str:
    """One line: how many parameters are recovered, and the failing ones by name."""
    failed = [check.name for check in checks if not check.passed]
    line = f"fidelity: {len(checks) - len(failed)} of {len(checks)} parameters within tolerance"
    if failed:
        line += " (off: " + ", ".join(failed[:5]) + (", ..." if len(failed) > 5 else "") + ")"
    return line
