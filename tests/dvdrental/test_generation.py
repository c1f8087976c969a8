"""The pure engine: configuration validation, return plans, volume curves, titles, level 3/4 totals."""

import numpy as np
import pytest

from dvdrental.generation.catalogue import load_templates
from dvdrental.generation.config import ConfigError, build_config, level_preset
from dvdrental.generation.engine import Engine, WeekSummary, lifecycle_index, phase_of_weeks, plan_returns
from dvdrental.generation.run import fresh_run


def run_tables(level: int, config=None, **kwargs):
    counts, logs, engine = {}, [], None
    for item in fresh_run(
        config=build_config(level, config), seed=42, templates=load_templates(), level=level, **kwargs
    ):
        if isinstance(item, tuple):
            counts[item[0]] = counts.get(item[0], 0) + len(next(iter(item[1].values())))
            if item[0] == "seasonality_log":
                logs.append(item[1])
        elif isinstance(item, Engine):
            engine = item
        else:
            assert isinstance(item, WeekSummary)
    return counts, logs, engine


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ({"generation": {"films_cout": 3}}, "config key generation.films_cout is unknown"),
        ({"generation": {"films_count": "many"}}, 'config key generation.films_count must be an integer, got "many"'),
        ({"generation": {"film_demand": {"boost_days": True}}}, "generation.film_demand.boost_days must be an integer"),
        ({"simulation": {"start_date": "2001-13-01"}}, "simulation.start_date must be a date"),
        ({"generation": {"weekday_weights": [1, 2]}}, "generation.weekday_weights must be a list of 7 numbers"),
        ({"inventory_purchasing": {"strategy": "greedy"}}, "input should be 'aggressive', 'stable' or 'seasonal'"),
        (
            {"generation": {"customer_segments": {"vip": {"activity": 5.0}}}},
            "customer_segments.vip.percentage is missing",
        ),
        ({"generation": {"customer_segments": {"loyal": {"churn": 0.1}}}}, "customer_segments.loyal.churn is unknown"),
        ({"simulation": []}, "config key simulation must be an object"),
    ],
)
def test_bad_config_names_the_key(user, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.").replace("(", r"\(")):
        build_config(4, user)


def test_presets_carry_every_key_and_levels_differ_only_in_values():
    def keys(tree, prefix=""):
        out = set()
        for key, value in tree.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and "customer_segments" not in path and "max_simultaneous" not in path:
                out |= keys(value, path)
            else:
                out.add(path)
        return out

    assert keys(level_preset(1)) == keys(level_preset(2)) == keys(level_preset(3)) == keys(level_preset(4))
    level4 = level_preset(4)["generation"]
    assert level4["base_weekly_transactions"] == 400 and level4["advanced_features"]["late_fees"]["daily_rate"] == 1.5
    merged = build_config(4, {"generation": {"customer_segments": {"loyal": {"churn_rate": 0.2}}}})
    assert merged["generation"]["customer_segments"]["loyal"] == {
        "percentage": 0.2, "churn_rate": 0.2, "activity": 2.0, "lifetime_weeks": 100,
    }  # fmt: skip


def test_return_plans_are_a_function_of_the_rental_id():
    config = build_config(4)
    ids = np.arange(1, 50_001)
    plan = plan_returns(
        seed=1, rental_id=ids, rental_day=np.zeros(len(ids), np.int64), duration=np.full(len(ids), 5),
        config=config, status_tracking=True,
    )  # fmt: skip
    again = plan_returns(
        seed=1, rental_id=ids[100:200], rental_day=np.zeros(100, np.int64), duration=np.full(100, 5),
        config=config, status_tracking=True,
    )  # fmt: skip
    assert np.array_equal(plan.return_ts[100:200], again.return_ts)
    returned = ~plan.lost
    days_out = plan.return_ts[returned] // 86_400
    assert days_out.min() == 1 and days_out.max() <= 5 + 60
    assert abs((days_out > 5).mean() - 0.08 / 0.995) < 0.01
    # lateness decays: most late copies are a day or two late, a thin tail a fortnight or more
    late = np.bincount(days_out[days_out > 5] - 5)
    assert late.argmax() == 1 and late[1] > late[2] > late[4] > late[8]
    assert late[1] / late[1:].sum() == pytest.approx(0.45, abs=0.03)
    assert abs(plan.lost.mean() - 0.005) < 0.002
    assert abs((plan.condition == 1).mean() - 0.02) < 0.003 and abs((plan.condition == 3).mean() - 0.03) < 0.004
    assert np.all(plan.shelf_ts[returned] >= plan.return_ts[returned])


def test_lifecycle_curve_follows_the_phase_factors():
    config = build_config(4)
    weeks = np.arange(1, 521)
    index = lifecycle_index(config, weeks)
    assert index[0] == 1.0
    assert index[104] == pytest.approx(1 + 104 * 0.025)
    assert index[312] == pytest.approx(index[104])
    assert index[416] == pytest.approx(index[312] - 104 * 0.005)
    assert index[519] == pytest.approx(index[416] + 103 * 0.015)
    phases = phase_of_weeks(config, np.array([1, 104, 105, 312, 313, 416, 417, 520, 600]))
    assert phases.tolist() == ["growth", "growth", "plateau", "plateau", "decline", "decline",
                               "reactivation", "reactivation", "reactivation"]  # fmt: skip


def test_titles_are_unique_upper_case_and_sequels_when_repeated():
    config = build_config(3, {"generation": {"films_count": 900}})
    titles = np.concatenate(
        [item[1]["title"] for item in fresh_run(config=config, seed=42, templates=load_templates(), level=3, weeks=2)
         if isinstance(item, tuple) and item[0] == "film"]
    )  # fmt: skip
    assert len(titles) >= 900 and len(set(titles.tolist())) == len(titles)
    assert all(title == title.upper() for title in titles.tolist())
    assert any(title.endswith(" II") for title in titles.tolist())


@pytest.mark.parametrize(("level", "expected"), [(3, 130_000), (4, 208_000)])
def test_level_totals_are_within_ten_percent(level, expected):
    counts, logs, engine = run_tables(level)
    assert abs(counts["rental"] / expected - 1) < 0.10
    assert counts["seasonality_log"] == (260 if level == 3 else 520)
    if level == 3:
        assert 450 <= len(engine.state.films) <= 550  # 300 growing by ~10 releases a quarter (Poisson)
