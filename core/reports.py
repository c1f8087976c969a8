"""The summary a seed prints at its end, built from what the loader wrote."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SeedReport:
    """What a seed made: rows per table, time, and domain-specific lines (e.g. customers per persona)."""

    domain: str
    database: str
    seed: int
    rows: dict[str, int]
    seconds: float
    details: list[str] = field(default_factory=list)
    fidelity: str | None = None  # `core.fidelity.fidelity_summary` of the data just written, when the domain has checks

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def next_command(self) -> str:
        """What to run after this seed: the domain's follow-up command, else the web server to look at it."""
        from django.apps import apps

        try:
            follow_up = getattr(apps.get_app_config(self.domain), "after_seed_command", "")
        except LookupError:
            follow_up = ""
        return follow_up or f"python manage.py runserver  (then open /dashboards/{self.domain}/)"

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        width = max((len(table) for table in self.rows), default=5)
        out = [f"Seeded {self.domain} into {self.database} (seed {self.seed})"]
        out += [f"  {table:<{width}}  {count:>12,}" for table, count in self.rows.items()]
        out.append(
            f"  {'total':<{width}}  {self.total_rows:>12,} rows in {self.seconds:.1f} s "
            f"({self.rows_per_second:,.0f} rows/s)"
        )
        out += self.details
        if self.fidelity:
            out.append(f"{self.fidelity} (each check: python manage.py fidelity {self.domain})")
        out.append(f"Next: {self.next_command}")
        return out

    def as_dict(self) -> dict:
        return {
            "domain": self.domain,
            "database": self.database,
            "seed": self.seed,
            "rows": self.rows,
            "total_rows": self.total_rows,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second),
            "details": self.details,
            "fidelity": self.fidelity,
            "next_command": self.next_command,
        }
