"""Helpers shared by the benchmark scripts: Django setup, timing and peak memory."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "False")  # no query logging while measuring
    import django

    django.setup()


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scratch_sqlite_url(name: str) -> str:
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    return f"sqlite:///{folder / f'{name}.sqlite3'}"


@contextmanager
def timed(label: str, rows: list[int] | None = None):
    """Print wall time (and rows/s when the block appends its row count to `rows`)."""
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    count = sum(rows) if rows else 0
    rate = f", {count / seconds:,.0f} rows/s" if count else ""
    print(f"{label}: {seconds:.2f} s{rate}, peak memory {peak_rss_mb():,.0f} MiB", flush=True)
