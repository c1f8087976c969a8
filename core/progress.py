"""Progress events: services report what they are doing; only commands decide how to show it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    """`done` of `total` units of `stage` are finished (e.g. 40,000 of 100,000 customers)."""

    stage: str
    done: int
    total: int
    unit: str = "rows"


ProgressCallback = Callable[[ProgressEvent], None]


def no_progress(event: ProgressEvent) -> None:
    """The default callback: services are silent unless a caller asks otherwise."""
