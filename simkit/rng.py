"""Deterministic random streams.

One master seed gives every table (and every shard of a table) its own `numpy.random.Generator`. Streams are keyed
by name rather than by spawn order: `SeedSequence(seed, spawn_key=(crc32(name), shard))` is exactly what
`SeedSequence(seed).spawn()` builds internally, but adding a table, reordering generation or changing a batch size
cannot shift another table's stream.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Named, independent random generators derived from one master seed."""

    def __init__(self, seed: int):
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        self.seed = int(seed)

    def sequence(self, name: str, *shard: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.seed, spawn_key=(stream_key(name), *shard))

    def generator(self, name: str, *shard: int) -> np.random.Generator:
        """The generator for table/purpose `name` (and optional shard numbers)."""
        return np.random.Generator(np.random.PCG64(self.sequence(name, *shard)))

    def python_seed(self, name: str) -> int:
        """A 32-bit integer seed for libraries that take one (Faker), derived like the generators."""
        return int(self.sequence(name).generate_state(1)[0])
