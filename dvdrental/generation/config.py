"""Simulation configuration: the full key tree, the four level presets and validation of user files.

A user's `--config FILE.json` is merged key by key over the level's preset. Every key must exist in the preset and
have the preset value's type, otherwise a `ConfigError` names the key (`generation.films_count must be an integer,
got "many"`). `customer_segments` and `max_simultaneous_rentals` are open dictionaries keyed by segment name.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from pathlib import Path

from ..constants import DATA_DIR

OPEN_DICTS = {"generation.customer_segments", "generation.advanced_features.customer_behavior.max_simultaneous_rentals"}
SEGMENT_KEYS = {"percentage": float, "churn_rate": float, "activity": float, "lifetime_weeks": int}


class ConfigError(ValueError):
    """A configuration that cannot be used; the message is one line naming the key."""


def deep_merge(base: dict, override: dict, *, replace_open: bool = True, path: str = "") -> dict:
    """`base` with `override` merged in, key by key (open dictionaries of a preset are replaced as a whole)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        here = f"{path}.{key}" if path else key
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not (replace_open and here in OPEN_DICTS):
            out[key] = deep_merge(out[key], value, replace_open=replace_open, path=here)
        else:
            out[key] = copy.deepcopy(value)
    return out


def level_preset(level: int) -> dict:
    """The full configuration of a level, as shipped in `dvdrental/data/level<N>.json`."""
    return json.loads(shipped_config_path(level).read_text())


def _type_name(kind) -> str:
    return {int: "an integer", float: "a number", bool: "true or false", str: "a string", list: "a list"}.get(
        kind, "an object"
    )


def _check_value(path: str, value, reference) -> None:
    if isinstance(reference, bool):
        ok = isinstance(value, bool)
        kind = bool
    elif isinstance(reference, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
        kind = int
    elif isinstance(reference, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        kind = float
    elif isinstance(reference, str):
        ok = isinstance(value, str)
        kind = str
    elif isinstance(reference, list):
        ok = (
            isinstance(value, list)
            and len(value) == len(reference)
            and all(isinstance(item, int | float) and not isinstance(item, bool) for item in value)
        )
        if not ok:
            raise ConfigError(f"config key {path} must be a list of {len(reference)} numbers, got {json.dumps(value)}")
        return
    else:
        ok = isinstance(value, dict)
        kind = dict
    if not ok:
        raise ConfigError(f"config key {path} must be {_type_name(kind)}, got {json.dumps(value)}")


def _validate(user: dict, reference: dict, path: str = "") -> None:
    for key, value in user.items():
        here = f"{path}.{key}" if path else key
        if here == "generation.customer_segments":
            _check_value(here, value, {})
            for name, segment in value.items():
                _check_value(f"{here}.{name}", segment, {})
                for field, field_value in segment.items():
                    if field not in SEGMENT_KEYS:
                        raise ConfigError(f"config key {here}.{name}.{field} is unknown")
                    _check_value(f"{here}.{name}.{field}", field_value, SEGMENT_KEYS[field](0))
            continue
        if here in OPEN_DICTS:
            _check_value(here, value, {})
            for name, count in value.items():
                _check_value(f"{here}.{name}", count, 0)
            continue
        if key not in reference:
            raise ConfigError(f"config key {here} is unknown")
        _check_value(here, value, reference[key])
        if isinstance(reference[key], dict):
            _validate(value, reference[key], here)


def _check_ranges(config: dict) -> None:
    sim, gen = config["simulation"], config["generation"]
    try:
        dt.date.fromisoformat(sim["start_date"])
    except ValueError:
        start = sim["start_date"]
        raise ConfigError(f"config key simulation.start_date must be a date YYYY-MM-DD, got {start!r}") from None
    positive = {
        "simulation.initial_weeks": sim["initial_weeks"],
        "simulation.stores": sim["stores"],
        "generation.films_count": gen["films_count"],
        "generation.base_weekly_transactions": gen["base_weekly_transactions"],
        "generation.rentals_per_customer_week": gen["rentals_per_customer_week"],
    }
    for key, value in positive.items():
        if value <= 0:
            raise ConfigError(f"config key {key} must be positive, got {value}")
    if sim["stores"] > 50:
        raise ConfigError(f"config key simulation.stores must be at most 50, got {sim['stores']}")
    low, high = gen["copies_per_film_per_store"]
    if not 0 <= low <= high or high < 1:
        raise ConfigError("config key generation.copies_per_film_per_store must be [min, max] with 0 <= min <= max")
    if gen["seasonality_model"] not in ("none", "flat", "monthly", "seasons"):
        raise ConfigError("config key generation.seasonality_model must be none, flat, monthly or seasons")
    if config["inventory_purchasing"]["strategy"] not in ("aggressive", "stable", "seasonal"):
        raise ConfigError("config key inventory_purchasing.strategy must be aggressive, stable or seasonal")
    segments = gen["customer_segments"]
    if not segments:
        raise ConfigError("config key generation.customer_segments must name at least one segment")
    caps = gen["advanced_features"]["customer_behavior"]["max_simultaneous_rentals"]
    for name, segment in segments.items():
        missing = set(SEGMENT_KEYS) - set(segment)
        if missing:
            raise ConfigError(f"config key generation.customer_segments.{name} lacks {', '.join(sorted(missing))}")
        if not 0 <= segment["churn_rate"] < 1:
            raise ConfigError(f"config key generation.customer_segments.{name}.churn_rate must be in [0, 1)")
        if name not in caps or caps[name] < 1:
            raise ConfigError(
                f"config key generation.advanced_features.customer_behavior.max_simultaneous_rentals.{name} "
                "must be a positive integer for every segment"
            )
    if sum(segment["percentage"] for segment in segments.values()) <= 0:
        raise ConfigError("config key generation.customer_segments percentages must not all be zero")
    features = gen["advanced_features"]
    for key, value in (
        ("customer_behavior.late_return_decay", features["customer_behavior"]["late_return_decay"]),
        ("inventory_status.found_probability", features["inventory_status"]["found_probability"]),
        ("late_fees.settle_before_leaving", features["late_fees"]["settle_before_leaving"]),
    ):
        if not 0 < value <= 1 and not (key.startswith("inventory") and value == 0):
            raise ConfigError(f"config key generation.advanced_features.{key} must be in (0, 1], got {value}")
    for key in ("block_after_days", "block_balance"):
        if features["late_fees"][key] < 0:
            raise ConfigError(f"config key generation.advanced_features.late_fees.{key} must be >= 0")
    if features["inventory_status"]["write_off_after_days"] < 1:
        raise ConfigError("config key generation.advanced_features.inventory_status.write_off_after_days must be >= 1")
    for phase, share in config["inventory_purchasing"]["replace_by_phase"].items():
        if not 0 <= share <= 1:
            raise ConfigError(f"config key inventory_purchasing.replace_by_phase.{phase} must be in [0, 1]")
    probability = gen["advanced_features"]["customer_behavior"]["overdue_rental_probability"]
    if not 0 <= probability + gen["lost_rental_probability"] <= 1:
        raise ConfigError("config key generation.advanced_features.customer_behavior.overdue_rental_probability "
                          "plus lost_rental_probability must be in [0, 1]")  # fmt: skip


def build_config(level: int, user: dict | None = None) -> dict:
    """The level's preset with `user` merged in, validated. Raises ConfigError naming the offending key."""
    if level not in (1, 2, 3, 4):
        raise ConfigError(f"level must be 1, 2, 3 or 4, got {level}")
    preset = level_preset(level)
    if user:
        if not isinstance(user, dict):
            raise ConfigError("config file must hold a JSON object")
        _validate(user, preset)
        reference = preset
        preset = deep_merge(preset, user, replace_open=False)
        # The declared schema (types and ranges of every key, config_schema.RANGES) after the merge, so a value is
        # checked together with the preset values it meets.
        from .config_schema import check_config

        problems = check_config(preset, reference)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ConfigError(problems[0] + more)
    _check_ranges(preset)
    return preset


def read_config_file(path: str) -> dict:
    """Parse a JSON config file; ConfigError (one line) when it is missing or malformed."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text (byte {exc.start}: {exc.reason})") from None

    def no_constant(name):  # json accepts NaN and Infinity, which no key of a config allows
        raise ConfigError(f"config file {path}: {name} is not allowed (numbers must be finite)")

    def finite(text):
        number = float(text)
        if not math.isfinite(number):
            raise ConfigError(f"config file {path}: {text[:30]} is too large a number")
        return number

    def bounded_int(text):
        if len(text.lstrip("-")) > 18:
            raise ConfigError(f"config file {path}: {text[:30]}... is too large a whole number")
        return int(text)

    try:
        data = json.loads(text, parse_constant=no_constant, parse_float=finite, parse_int=bounded_int)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"config file {path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise ConfigError(f"config file {path} is nested too deeply") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a JSON object")
    return data


def shipped_config_path(level: int) -> Path:
    return DATA_DIR / f"level{level}.json"
