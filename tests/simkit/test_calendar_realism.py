import datetime as dt

import numpy as np
import pytest

from simkit import calendar


def test_seasonal_curve_monthly_means_recover_the_multipliers_and_it_is_smooth():
    days = calendar.date_range(dt.date(2019, 1, 1), dt.date(2024, 12, 31))
    targets = (0.8, 0.85, 0.95, 1.0, 1.05, 1.1, 1.2, 1.15, 0.95, 0.9, 1.05, 1.4)
    curve = calendar.seasonal_curve(days, targets)
    months = days.astype("datetime64[M]")
    for value in np.unique(months):
        m = int(value.astype(np.int64) % 12)
        assert curve[months == value].mean() == pytest.approx(targets[m], rel=1e-9)
    # smooth: no day-to-day jump anywhere near the size of a month-to-month step in the targets
    assert np.abs(np.diff(curve)).max() < 0.05
    # shard-pure: a day's value does not depend on the other days asked for
    assert np.allclose(calendar.seasonal_curve(days[400:450], targets), curve[400:450])


def test_seasonal_curve_rejects_bad_multipliers():
    with pytest.raises(ValueError, match="twelve positive"):
        calendar.seasonal_curve(np.array(["2020-01-01"], dtype="datetime64[D]"), (1.0,) * 11)


def test_public_holidays_come_from_the_package():
    us = calendar.public_holidays("US", [2020])
    assert np.datetime64("2020-07-04") in us and np.datetime64("2020-11-26") in us and np.datetime64("2020-12-25") in us
    alberta = calendar.public_holidays("CA", [2020], subdiv="AB")
    assert np.datetime64("2020-07-01") in alberta  # Canada Day
    with pytest.raises(ValueError, match="no holiday calendar"):
        calendar.public_holidays("XX", [2020])


def test_special_days_move_demand_as_the_table_says():
    days = calendar.date_range(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    kinds = calendar.special_day_kinds(days, "US")
    assert days[kinds == "black_friday"].tolist() == [dt.date(2023, 11, 24)]
    assert len(days[kinds == "christmas_week"]) == 7
    retail = calendar.special_day_multipliers(days, "US", "retail")
    assert retail[kinds == "black_friday"][0] == calendar.SPECIAL_DAY_EFFECTS["retail"]["black_friday"]
    assert (retail[kinds == ""] == 1.0).all()
    with pytest.raises(ValueError, match="unknown business kind"):
        calendar.special_day_multipliers(days, "US", "bakery")


@pytest.mark.parametrize("kind", calendar.BUSINESS_KINDS)
def test_profiles_exist_for_every_kind(kind):
    assert np.mean(calendar.WEEKDAY_PROFILES[kind]) == pytest.approx(1.0, abs=0.01)
    assert len(calendar.HOUR_PROFILES[kind]) == 24 and min(calendar.HOUR_PROFILES[kind]) >= 0
    seconds = calendar.seconds_of_day(np.random.default_rng(0), 1000, calendar.HOUR_PROFILES[kind])
    assert seconds.max() < 86_400
