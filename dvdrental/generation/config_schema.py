"""The declared schema of a simulation configuration, checked with pydantic after a user's file is merged in.

The schema is derived from the level presets (every key, its type, and nothing else: unknown keys are errors)
plus the allowed range of each key, declared by name in RANGES. A ValidationError becomes one ConfigError line
naming the key, the value and what is allowed: `config key generation.lost_rental_probability is -0.2: allowed
0 to 1`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError, create_model

# (minimum, maximum) by key name; a key not named here only needs its type (numbers are finite).
PROBABILITY = (0, 1)
RANGES: dict[str, tuple[float | None, float | None]] = {
    "initial_weeks": (1, 2_600),
    "stores": (1, 50),
    "clerks_per_store": (1, 100),
    "films_count": (1, 100_000),
    "initial_customers": (0, 10_000_000),
    "base_weekly_transactions": (1, 1_000_000),
    "rentals_per_customer_week": (0.000001, 100),
    "weekly_growth": (-1, 1),
    "weekly_noise": (0, 1),
    "weekday_weights": (0, 100),
    "spike_day_multiplier": (1, 100),
    "copies_per_film_per_store": (0, 1_000),
    "monthly_seasonality": (-99.999, 1_000),
    "power_law_alpha": (0, 10),
    "popularity_spread": (0, 1_000),
    "new_release_boost": (0, 100),
    "boost_days": (0, 3_650),
    "aging_per_year": (0, 1),
    "films_per_quarter": (0, 10_000),
    "growth_phase_weeks": (0, 2_600),
    "plateau_phase_weeks": (0, 2_600),
    "decline_phase_weeks": (0, 2_600),
    "reactivation_phase_weeks": (0, 2_600),
    "growth_factor": (-1, 1),
    "plateau_factor": (-1, 1),
    "decline_factor": (-1, 1),
    "reactivation_factor": (-1, 1),
    "percentage": PROBABILITY,
    "churn_rate": PROBABILITY,
    "activity": (0, 100),
    "lifetime_weeks": (0, 2_600),  # 0: the segment never churns by age
    "reactivation_start_week": (0, 2_600),
    "reactivation_duration_weeks": (0, 2_600),
    "daily_rate": (0, 1_000),
    "calculation_frequency_days": (1, 365),
    "overdue_threshold_days": (0, 365),
    "payment_delay_days": (0, 3_650),
    "write_off_days": (1, 3_650),
    "max_days_charged": (0, 3_650),
    "block_balance": (0, 1_000_000),
    "block_after_days": (0, 3_650),
    "settle_before_leaving": PROBABILITY,
    "winter_multiplier": (0, 100),
    "spring_multiplier": (0, 100),
    "summer_multiplier": (0, 100),
    "fall_multiplier": (0, 100),
    "volatility": (0, 1),
    "maintenance_frequency": PROBABILITY,
    "repair_days": (0, 365),
    "maintenance_days": (0, 365),
    "write_off_after_days": (1, 3_650),
    "late_return_decay": PROBABILITY,
    "copies": (0, 100_000),
    "every_weeks": (1, 520),
}
# Lists of [low, high]: the first must not exceed the second.
PAIRS = {"copies_per_film_per_store", "payment_delay_days", "repair_days", "maintenance_days"}
CHOICES = {
    "seasonality_model": ("none", "flat", "monthly", "seasons"),
    "strategy": ("aggressive", "stable", "seasonal"),
}
SEGMENT_FIELDS = {"percentage": 0.0, "churn_rate": 0.0, "activity": 0.0, "lifetime_weeks": 0}


def _range(name: str, integer: bool) -> dict:
    if name.endswith("_probability"):
        low, high = PROBABILITY
    else:
        low, high = RANGES.get(name, (None, None))
    bounds = {}
    if low is not None:
        bounds["ge"] = low
    if high is not None:
        bounds["le"] = high
    return bounds


def _leaf_type(name: str, value: Any):
    if isinstance(value, bool):
        return StrictBool
    if isinstance(value, int):
        return Annotated[StrictInt, Field(**_range(name, True))]
    if isinstance(value, float):
        return Annotated[float, Field(strict=False, allow_inf_nan=False, **_range(name, False))]
    if isinstance(value, str):
        if name in CHOICES:
            from typing import Literal

            return Literal[CHOICES[name]]
        return StrictStr
    if isinstance(value, list):
        item = Annotated[float, Field(allow_inf_nan=False, **_range(name, False))]
        return Annotated[list[item], Field(min_length=len(value), max_length=len(value))]
    raise TypeError(f"no schema for {name}")


_STRICT = ConfigDict(extra="forbid", strict=False)


def _model(name: str, preset: dict, path: str) -> type[BaseModel]:
    fields = {}
    for key, value in preset.items():
        here = f"{path}.{key}" if path else key
        if here == "generation.customer_segments":
            segment = create_model(
                "Segment", __config__=_STRICT, **{k: (_leaf_type(k, v), ...) for k, v in SEGMENT_FIELDS.items()}
            )
            fields[key] = (Annotated[dict[str, segment], Field(min_length=1)], ...)
        elif here.endswith("max_simultaneous_rentals"):
            fields[key] = (dict[str, Annotated[StrictInt, Field(ge=1, le=1_000)]], ...)
        elif isinstance(value, dict):
            fields[key] = (_model(key, value, here), ...)
        else:
            fields[key] = (_leaf_type(key, value), ...)
    return create_model(name.title().replace("_", ""), __config__=_STRICT, **fields)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _allowed(loc: tuple) -> str:
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    low, high = PROBABILITY if name.endswith("_probability") else RANGES.get(name, (None, None))
    if low is not None and high is not None:
        return f"allowed {low:,} to {high:,}"
    return f"allowed from {low:,}" if low is not None else "out of range"


def _message(error: dict) -> str:
    key = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    value = _shown(error.get("input"))
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"config key {key} is {value}: {_allowed(error['loc'])}"
    if kind == "extra_forbidden":
        return f"config key {key} is unknown"
    if kind == "missing":
        return f"config key {key} is missing"
    return f"config key {key} is {value}: {error['msg'].lower()}"


def check_config(config: dict, preset: dict) -> list[str]:
    """One line per problem of the merged `config` against the schema derived from `preset` (empty when valid)."""
    model = _model("Config", preset, "")
    try:
        model.model_validate(config)
    except ValidationError as exc:
        return [_message(error) for error in exc.errors()]
    problems = []
    _walk_pairs(config, "", problems)
    segments = config["generation"]["customer_segments"]
    total = sum(segment["percentage"] for segment in segments.values())
    if not math.isclose(total, 1.0, abs_tol=0.01):
        problems.append(f"config key generation.customer_segments percentages sum to {total:g}: they must sum to 1")
    return problems


def _walk_pairs(node: dict, path: str, problems: list[str]) -> None:
    for key, value in node.items():
        here = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            _walk_pairs(value, here, problems)
        elif key in PAIRS and len(value) == 2 and value[0] > value[1]:
            problems.append(f"config key {here} is {value}: the first number must not exceed the second")
