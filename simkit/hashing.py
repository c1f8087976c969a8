"""Counter-based random numbers: a uniform in [0, 1) that is a pure function of (seed, stream, id).

A stream from `simkit.rng` depends on how many numbers were drawn before; a hashed uniform does not. A simulation
that must reproduce a draw later (a rental's return drawn in week 5, needed again when a later run appends weeks)
can recompute it from the row's id instead of storing it.
"""

from __future__ import annotations

import numpy as np

from .rng import stream_key

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix64(values: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser applied elementwise to uint64 values (a bijection with good avalanche)."""
    z = np.asarray(values, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def hashed_uniform(seed: int, stream: str, ids) -> np.ndarray:
    """Uniform floats in [0, 1), one per id, depending only on `seed`, `stream` and the id."""
    ids = np.asarray(ids, dtype=np.int64).astype(np.uint64)
    key = splitmix64(np.uint64(seed) ^ (np.uint64(stream_key(stream)) << np.uint64(32)))
    with np.errstate(over="ignore"):
        mixed = splitmix64(ids * np.uint64(0xD1342543DE82EF95) + key)
    return (mixed >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
