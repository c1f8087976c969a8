"""The earlier customer generator's contracts, as its users (and its own tests) rely on them."""

import datetime as dt
import io
import subprocess
import sys

import pandas as pd
import pytest

from cardportfolio import constants
from cardportfolio.__main__ import generate_customers_command, main
from cardportfolio.customer_generator import generate_customers, read_customers_csv, validate_customer_data


@pytest.fixture(scope="module")
def frame():
    return generate_customers(n=500, seed=7)


def test_segments_is_the_name_to_share_mapping():
    assert constants.SEGMENTS == {
        "High-Value Travelers": 0.15,
        "Stable Mid-Spenders": 0.40,
        "Budget-Conscious": 0.25,
        "Declining": 0.10,
        "New & Growing": 0.10,
    }
    assert sum(constants.SEGMENTS.values()) == pytest.approx(1.0)


def test_us_states_are_the_50_states_and_dc():
    assert len(constants.US_STATES) == 51 and len(set(constants.US_STATES)) == 51
    assert {"CA", "NY", "TX", "DC", "WY"} <= set(constants.US_STATES)
    assert not {"PR", "GU", "FM", "PW", "MH"} & set(constants.US_STATES)


def test_generated_states_come_from_us_states(frame):
    assert frame["state"].isin(constants.US_STATES).all()


def test_statistics_carry_the_original_keys_beside_ours(frame):
    stats = validate_customer_data(frame)["statistics"]
    assert stats["unique_customer_ids"] == stats["unique_ids"] == 500
    assert stats["credit_limit_avg"] == stats["credit_limit_mean"] == pytest.approx(frame["credit_limit"].mean())
    assert stats["age_min"] >= constants.MIN_AGE and stats["age_max"] <= constants.MAX_AGE
    assert sum(stats["decline_type_distribution"].values()) == (frame["customer_segment"] == "Declining").sum()


def test_account_open_dates_compare_with_datetime_date(frame):
    dates = frame["account_open_date"]
    assert all(type(value) is dt.date for value in dates)
    as_of = dt.date(2026, 1, 1)
    assert (dates < as_of).all()
    assert (dates >= dt.date(2017, 12, 1)).all()


def test_account_open_dates_stay_dates_after_a_csv_round_trip(frame, tmp_path):
    from cardportfolio.customer_generator import save_to_csv

    back = read_customers_csv(save_to_csv(frame, tmp_path / "c.csv"))
    assert all(type(value) is dt.date for value in back["account_open_date"])
    assert (back["account_open_date"] == frame["account_open_date"]).all()


def test_cli_generates_validates_and_saves_without_a_database(tmp_path):
    out = io.StringIO()
    target = tmp_path / "sub" / "customers.csv"
    status = generate_customers_command(count=300, output=str(target), seed=42, as_of=dt.date(2026, 1, 1), out=out)
    text = out.getvalue()
    assert status == 0
    assert "Validation passed" in text and f"Successfully saved 300 customers to {target}" in text
    assert "Total customers: 300" in text
    written = pd.read_csv(target)
    assert len(written) == 300 and written["customer_id"].iloc[0] == "CUST00000001"


def test_cli_same_seed_same_file(tmp_path):
    for name in ("a.csv", "b.csv"):
        assert main(["generate-customers", "--count", "120", "--seed", "3", "--output", str(tmp_path / name)]) == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_cli_runs_as_a_module_without_django_settings(tmp_path):
    target = tmp_path / "m.csv"
    env = {"PATH": "", "PYTHONPATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", "import sys, cardportfolio.__main__ as m; status = m.main(sys.argv[1:]); "
         "print('django imported' if 'django' in sys.modules else ''); sys.exit(status)",
         "generate-customers", "--count", "50", "--output", str(target)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Successfully saved 50 customers" in done.stdout and target.exists()
    assert "django imported" not in done.stdout


def test_cli_bad_count_is_a_one_line_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["generate-customers", "--count", "0"])
    assert exit_info.value.code == 2
    assert "argument --count: '0' must be at least 1" in capsys.readouterr().err
