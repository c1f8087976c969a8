import datetime as dt

import numpy as np

from simkit import calendar
from simkit.pools import build_people_pools, sample_people
from simkit.rng import Streams
from simkit.tables import shard_bounds, slices


def test_weekday_and_month():
    days = calendar.date_range(dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    assert len(days) == 7
    assert calendar.weekday(days).tolist() == [0, 1, 2, 3, 4, 5, 6]  # 2025-12-29 was a Monday
    assert calendar.month(days).tolist() == [12, 12, 12, 1, 1, 1, 1]
    assert calendar.weekday_multiplier(days).mean() == np.mean(calendar.RETAIL_WEEKDAY)


def test_seconds_of_day_follow_hour_weights():
    seconds = calendar.seconds_of_day(np.random.default_rng(0), 50_000)
    assert seconds.min() >= 0 and seconds.max() < 86_400
    hours = np.bincount(seconds // 3600, minlength=24)
    assert hours[19] > 5 * hours[3]


def test_people_are_unique_valid_and_reproducible():
    pools = build_people_pools(seed=5, size=400)
    ids = np.arange(1, 3001)
    people = sample_people(Streams(5).generator("p"), pools, ids=ids)
    assert len(np.unique(people["email"])) == 3000
    assert all("@example." in e or "@mail.example." in e or "@shop.example." in e for e in people["email"][:100])
    assert all(len(s) == 2 for s in people["state"][:100])
    again = sample_people(Streams(5).generator("p"), build_people_pools(seed=5, size=400), ids=ids)
    np.testing.assert_array_equal(people["email"], again["email"])


def test_slices_and_shards_cover_everything():
    columns = {"a": np.arange(10), "b": np.arange(10) * 2}
    assert [len(s["a"]) for s in slices(columns, 4)] == [4, 4, 2]
    assert shard_bounds(10, 4) == [(0, 4), (4, 8), (8, 10)]
