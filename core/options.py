"""Validators for everything a user types: command options (argparse `type=`), API parameters and input files.

Each validator is a small callable object that knows its own valid range, so that one definition gives the parser
its check, `--help` its range (`help_range()`), the error its wording, and the bad-input tests their cases
(`bad_values()`). Every failure is one line naming the value and what is allowed, raised before any work starts.

Seeds accept any non-negative integer. numpy takes seeds of any size, but the rest of the stack (the run record,
JSON reports, 64-bit database columns) does not, so a seed above 2**63-1 is hashed into [0, 2**63-1] with SHA-256
(`seed_value`): the same big seed always gives the same data, and seeds up to 2**63-1 are used as they are.

Dates of generated data stay inside DATE_RANGE (1900-01-01 to 2199-12-31) on every domain: far from the calendar's
ends (no OverflowError at 0001-01-01 or 9999-12-31), and inside what every backend stores and compares alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import math
import os
from pathlib import Path

SEED_MAX = 2**63 - 1
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
DATE_RANGE = (EARLIEST_DATE, LATEST_DATE)
# Rows per insert batch: above this a batch's tuples alone take gigabytes, and nothing gets faster.
MAX_BATCH_SIZE = 1_000_000
# Input files are read into memory; nothing a user should load here is bigger.
MAX_INPUT_BYTES = 512 * 1024 * 1024


class OptionError(ValueError):
    """A value that is not allowed; the message is one line naming the value and what is allowed."""


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def seed_value(number: int) -> int:
    """`number` itself up to SEED_MAX; a bigger seed hashed (SHA-256) into [0, SEED_MAX], the same every time."""
    if number < 0:
        raise OptionError(f"a seed must not be negative, got {number}")
    if number <= SEED_MAX:
        return number
    digest = hashlib.sha256(str(number).encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big") & SEED_MAX


class Validator:
    """Base of the option validators: `__call__(text)` parses or raises `argparse.ArgumentTypeError`."""

    __name__ = "value"

    def __call__(self, text):
        try:
            return self.parse(text)
        except OptionError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    def parse(self, text):
        raise NotImplementedError

    def help_range(self) -> str:
        return ""

    def bad_values(self) -> list[str]:
        """Values this validator must refuse: the bad-input tests replay them against every option using it."""
        return ["", " "]


class Integer(Validator):
    """A whole number in [minimum, maximum]; `why` says where the upper bound comes from."""

    def __init__(self, minimum: int, maximum: int | None = None, *, why: str = ""):
        self.minimum = minimum
        self.maximum = maximum
        self.why = why
        self.__name__ = "whole number"

    def help_range(self) -> str:
        if self.maximum is None:
            return f"a whole number from {self.minimum:,}"
        return f"{self.minimum:,} to {self.maximum:,}"

    def parse(self, text):
        if isinstance(text, int) and not isinstance(text, bool):
            number = text
        else:
            raw = str(text).strip()
            try:
                number = int(raw)
            except ValueError:
                raise OptionError(f"{_shown(text)} is not a whole number ({self.help_range()})") from None
        if number < self.minimum or (self.maximum is not None and number > self.maximum):
            why = f" ({self.why})" if self.why and self.maximum is not None and number > self.maximum else ""
            digits = len(str(abs(number)))
            shown = f"{number:,}" if digits <= 24 else f"a {digits}-digit number"
            raise OptionError(f"{shown} is out of range: allowed {self.help_range()}{why}")
        return number

    def bad_values(self) -> list[str]:
        values = [*super().bad_values(), "abc", "1.5", "1e3", "0x10", "nan", "9" * 5000, str(self.minimum - 1)]
        values.append("-1" if self.minimum >= 0 else str(self.minimum - 10))
        if self.maximum is not None:
            values += [str(self.maximum + 1), str(10**30)]
        return values


class Seed(Integer):
    """Any non-negative integer; above SEED_MAX it is hashed into the seed space (see `seed_value`)."""

    def __init__(self):
        super().__init__(0)
        self.__name__ = "seed"

    def help_range(self) -> str:
        return "any whole number from 0; above 2**63-1 it is hashed into 0..2**63-1"

    def parse(self, text):
        return seed_value(super().parse(text))


class Number(Validator):
    """A finite decimal number in [minimum, maximum] (or the open interval where `open_=True`)."""

    def __init__(self, minimum: float, maximum: float, *, open_: bool = False, why: str = ""):
        self.minimum = minimum
        self.maximum = maximum
        self.open = open_
        self.why = why
        self.__name__ = "number"

    def help_range(self) -> str:
        if self.open:
            return f"a number above {self.minimum:g} and below {self.maximum:g}"
        return f"a number from {self.minimum:g} to {self.maximum:g}"

    def parse(self, text):
        raw = str(text).strip()
        try:
            number = float(raw)
        except (ValueError, OverflowError):
            raise OptionError(f"{_shown(text)} is not a number ({self.help_range()})") from None
        if not math.isfinite(number):
            raise OptionError(f"{_shown(text)} is not a finite number ({self.help_range()})")
        inside = self.minimum < number < self.maximum if self.open else self.minimum <= number <= self.maximum
        if not inside:
            why = f" ({self.why})" if self.why else ""
            raise OptionError(f"{number:g} is out of range: allowed {self.help_range()}{why}")
        return number

    def bad_values(self) -> list[str]:
        values = [*super().bad_values(), "abc", "nan", "inf", "-inf", "1e308", "-1e308", "1e999", "0x1p3"]
        if self.open:
            values += [f"{self.minimum:g}", f"{self.maximum:g}"]
        else:
            values += [repr(self.minimum - max(1e-6, abs(self.minimum) * 0.01)), repr(self.maximum * 1.01 + 1)]
        return values


class Date(Validator):
    """An ISO date, YYYY-MM-DD, from `earliest` to `latest` (the domain's documented range)."""

    def __init__(self, earliest: dt.date = EARLIEST_DATE, latest: dt.date = LATEST_DATE):
        self.earliest = earliest
        self.latest = latest
        self.__name__ = "date"

    def help_range(self) -> str:
        return f"YYYY-MM-DD from {self.earliest} to {self.latest}"

    def parse(self, text):
        if isinstance(text, dt.date):
            day = text
        else:
            try:
                day = dt.date.fromisoformat(str(text).strip())
            except ValueError:
                raise OptionError(f"{_shown(text)} is not a date ({self.help_range()})") from None
        if not self.earliest <= day <= self.latest:
            raise OptionError(f"{day} is out of range: allowed {self.help_range()}")
        return day

    def bad_values(self) -> list[str]:
        return [
            *super().bad_values(),
            "yesterday",
            "2024-02-30",
            "2024-13-01",
            "20240101x",
            "0001-01-01",
            "9999-12-31",
            str(self.earliest - dt.timedelta(days=1)),
            str(self.latest + dt.timedelta(days=1)),
        ]


class InputFile(Validator):
    """An existing, readable regular file of at most MAX_INPUT_BYTES (not a folder, not a device)."""

    def __init__(self, what: str = "file", *, missing: str = ""):
        self.what = what
        self.missing = missing
        self.__name__ = what

    def help_range(self) -> str:
        return f"an existing {self.what}"

    def parse(self, text):
        path = Path(str(text))
        if not str(text).strip():
            raise OptionError(f"an empty name is not a {self.what}")
        try:
            if not path.exists():
                raise OptionError(f"{text} does not exist: {self.missing}" if self.missing else f"{text}: no such file")
            if path.is_dir():
                raise OptionError(f"{text} is a folder, not a {self.what}")
            if not path.is_file():
                raise OptionError(f"{text} is not a regular file")
            if not os.access(path, os.R_OK):
                raise OptionError(f"{text}: permission denied")
            size = path.stat().st_size
        except OSError as exc:
            raise OptionError(f"{text}: {exc.strerror}") from None
        if size > MAX_INPUT_BYTES:
            raise OptionError(f"{text} is {size:,} bytes; at most {MAX_INPUT_BYTES:,} are read")
        return path

    def bad_values(self) -> list[str]:
        return ["", "/nonexistent/input.file", "/", "/dev/null/x"]


class OutputFile(Validator):
    """A file to write: not an existing folder, and its parent (created if missing) is not a file."""

    def __init__(self, what: str = "file"):
        self.what = what
        self.__name__ = what

    def help_range(self) -> str:
        return "a file path (parent folders are created)"

    def parse(self, text):
        if not str(text).strip():
            raise OptionError(f"an empty name is not a {self.what}")
        path = Path(str(text))
        if path.is_dir():
            raise OptionError(f"{text} is a folder, not a {self.what}")
        for parent in path.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise OptionError(f"{text}: {parent} is a file, not a folder")
                break
        return path

    def bad_values(self) -> list[str]:
        return ["", "/", "/dev/null/x"]


class OutputFolder(Validator):
    """A folder to write into: not an existing file (it is created if missing)."""

    def __init__(self):
        self.__name__ = "folder"

    def help_range(self) -> str:
        return "a folder (created if missing)"

    def parse(self, text):
        if not str(text).strip():
            raise OptionError("an empty name is not a folder")
        path = Path(str(text))
        if path.exists() and not path.is_dir():
            raise OptionError(f"{text} is a file, not a folder")
        for parent in path.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise OptionError(f"{text}: {parent} is a file, not a folder")
                break
        return path

    def bad_values(self) -> list[str]:
        return ["", "/dev/null", "/dev/null/x"]


class Choice(Validator):
    """One of a fixed set of whole numbers (`--level 1..4`)."""

    def __init__(self, choices):
        self.choices = tuple(choices)
        self.__name__ = "choice"

    def help_range(self) -> str:
        return ", ".join(str(choice) for choice in self.choices)

    def parse(self, text):
        raw = str(text).strip()
        for choice in self.choices:
            if raw == str(choice):
                return choice
        raise OptionError(f"{_shown(text)} is not one of {self.help_range()}")

    def bad_values(self) -> list[str]:
        return [*super().bad_values(), "0", "abc", "1.0", str(len(self.choices) + 10), "-1"]


def window_start(end: dt.date, *, days: int = 0, months: int = 0, label: str = "window") -> dt.date:
    """The first day of a window of `days` (or `months`) ending at `end`, checked to lie inside DATE_RANGE."""
    total = days + 31 * months
    if (end - EARLIEST_DATE).days < total:
        raise OptionError(
            f"the {label} of {days or months:,} {'days' if days else 'months'} ending {end} would start before "
            f"{EARLIEST_DATE}: use a later end date or a shorter window"
        )
    return end - dt.timedelta(days=total)


def check_distinct_paths(**paths) -> None:
    """Refuse two options naming the same file (e.g. a CSV and a Parquet output, or an output and a database)."""
    seen: dict[Path, str] = {}
    for option, value in paths.items():
        if value in (None, ""):
            continue
        resolved = Path(str(value)).expanduser().resolve()
        if resolved in seen:
            raise OptionError(f"{seen[resolved]} and {option} name the same file {value}: give each its own file")
        seen[resolved] = option


def add_ranges_to_help(parser) -> None:
    """Append each validated option's allowed range to its `--help` line, unless its help already states it."""
    for action in parser._actions:
        if isinstance(action.type, Validator) and action.help and "Allowed:" not in action.help:
            allowed = action.type.help_range().replace("%", "%%")
            action.help = f"{action.help.rstrip()} Allowed: {allowed}."


def with_range(help_text: str, validator: Validator) -> str:
    """`help_text` followed by the validator's range, for `--help`."""
    return f"{help_text} Allowed: {validator.help_range()}."


SUPPORTED_ENGINES = (".sqlite3", ".mysql", ".postgresql")
URL_FORMS = "sqlite:///PATH, mysql://USER@HOST:PORT/NAME or postgres://USER@HOST:PORT/NAME"


def database_config(url: str, *, variable: str = "--database-url") -> dict:
    """Django's DATABASES entry for `url`; OptionError naming `variable` when it is not a usable database URL."""
    import warnings

    import environ

    text = str(url).strip()
    scheme = text.split(":", 1)[0] if ":" in text else ""
    if not scheme or "://" not in text:
        raise OptionError(f"{variable}={_shown(text)} is not a database URL: use {URL_FORMS}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            config = environ.Env.db_url_config(text)
    except Exception as exc:  # environ raises bare exceptions (ValueError, KeyError) for bad ports and schemes
        raise OptionError(f"{variable}: cannot parse {_shown(text)}: {exc}") from None
    if not str(config.get("ENGINE", "")).endswith(SUPPORTED_ENGINES):
        raise OptionError(f"{variable}: unsupported scheme {scheme!r} in {_shown(text)}: use {URL_FORMS}")
    if not config.get("NAME"):
        raise OptionError(f"{variable}: {_shown(text)} names no database (the part after the last /)")
    return config


class DatabaseUrl(Validator):
    """A database URL of a supported backend (checked for form only; connecting comes later, once)."""

    def __init__(self):
        self.__name__ = "database URL"

    def help_range(self) -> str:
        return URL_FORMS

    def parse(self, text):
        config = database_config(text)
        if config["ENGINE"].endswith("sqlite3") and str(config["NAME"]) == ":memory:":
            raise OptionError(f"{_shown(text)} is a database in memory, gone when the command ends: name a file")
        return str(text).strip()

    def bad_values(self) -> list[str]:
        return ["", "garbage", "ftp://x/y", "sqlite://", "postgres://u@h:99999/x", "mysql://host", "http://x/y"]
