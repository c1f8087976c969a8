"""The documented Python API: generate_customers, validate_customer_data, save_to_csv (and reading CSVs back)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cardportfolio.customer_generator import (
    generate_customers,
    read_customers_csv,
    save_to_csv,
    statistics_lines,
    validate_customer_data,
)
from cardportfolio.generation import CUSTOMER_COLUMNS


@pytest.fixture(scope="module")
def frame():
    return generate_customers(n=1_000, seed=42)


def errors_of(df):
    result = validate_customer_data(df)
    assert result["is_valid"] is False
    return " | ".join(result["errors"])


def test_generated_customers_are_valid_with_statistics(frame):
    result = validate_customer_data(frame)
    assert result["is_valid"] is True
    assert result["errors"] == [] and result["warnings"] == []
    stats = result["statistics"]
    assert set(stats) >= {
        "total_customers", "unique_ids", "credit_limit_min", "credit_limit_max", "credit_limit_mean",
        "segment_distribution", "card_type_distribution", "employment_distribution",
    }  # fmt: skip
    assert stats["total_customers"] == stats["unique_ids"] == 1_000
    assert stats["segment_distribution"]["Stable Mid-Spenders"] == 0.40
    assert stats["card_type_distribution"]["Standard"] + stats["card_type_distribution"]["Premium"] == 1_000
    assert stats["credit_limit_mean"] == pytest.approx(frame["credit_limit"].mean(), abs=0.01)


def test_statistics_block_reads_like_the_earlier_tool(frame):
    text = "\n".join(statistics_lines(validate_customer_data(frame)["statistics"]))
    assert "Total customers: 1,000" in text and "Unique IDs: 1,000" in text
    assert "Credit limit range: $" in text and "Average credit limit: $" in text
    assert "Stable Mid-Spenders: 40.0%" in text and "Card Type Distribution:" in text


def test_validation_catches_a_duplicated_row(frame):
    broken = pd.concat([frame, frame.iloc[[5]]], ignore_index=True)
    assert "duplicate" in errors_of(broken)


def test_validation_catches_nulled_emails(frame):
    broken = frame.copy()
    broken.loc[[1, 2, 3], "email"] = None
    assert "3 null value(s) in required field email" in errors_of(broken)


def test_validation_catches_a_bad_id(frame):
    broken = frame.copy()
    broken.loc[7, "customer_id"] = "CUST123"
    assert "not CUST + 8 digits: CUST123" in errors_of(broken)


def test_validation_catches_a_credit_limit_of_100000(frame):
    broken = frame.copy()
    broken.loc[0, "credit_limit"] = 100_000
    assert "credit_limit value(s) outside 5,000-50,000" in errors_of(broken)


def test_validation_catches_a_credit_limit_off_the_1000_steps(frame):
    broken = frame.copy()
    broken.loc[0, "credit_limit"] = 12_500
    assert "not a multiple of 1,000: 12500" in errors_of(broken)


def test_validation_catches_a_malformed_email(frame):
    broken = frame.copy()
    broken.loc[4, "email"] = "not-an-email"
    assert "malformed email(s) (expected name@domain.tld): not-an-email" in errors_of(broken)


def test_validation_catches_decline_type_mismatches(frame):
    broken = frame.copy()
    declining = broken.index[broken["customer_segment"] == "Declining"][0]
    other = broken.index[broken["customer_segment"] == "Budget-Conscious"][0]
    broken.loc[declining, "decline_type"] = None
    broken.loc[other, "decline_type"] = "sudden"
    text = errors_of(broken)
    assert "1 Declining customer(s) without decline_type" in text
    assert "1 customer(s) outside Declining with a decline_type" in text


def test_validation_catches_an_age_out_of_range_and_an_unknown_state(frame):
    broken = frame.copy()
    broken.loc[0, "age"] = 19
    broken.loc[1, "state"] = "ZZ"
    text = errors_of(broken)
    assert "age value(s) outside 22-75" in text and "unknown state value(s): ZZ" in text


def test_missing_columns_are_an_error_not_a_crash(frame):
    assert "missing column(s): email" in errors_of(frame.drop(columns=["email"]))


def test_skewed_segments_warn_but_stay_valid(frame):
    skewed = frame[frame["customer_segment"] != "Budget-Conscious"].reset_index(drop=True)
    result = validate_customer_data(skewed)
    assert result["is_valid"] is True
    assert any("segment Budget-Conscious is 0.0% of customers, target 25%" in w for w in result["warnings"])
    assert "customer ids are not sequential from CUST00000001" in result["warnings"]


def test_csv_round_trips_with_column_order_and_types(frame, tmp_path):
    path = save_to_csv(frame, tmp_path / "customers.csv")
    header = path.read_text().splitlines()[0]
    assert header == ",".join(CUSTOMER_COLUMNS)
    back = read_customers_csv(path)
    assert list(back.columns) == list(CUSTOMER_COLUMNS)
    assert back["age"].dtype == np.int64 and back["credit_limit"].dtype == np.int64
    assert isinstance(back["account_open_date"].iloc[0], dt.date)
    pd.testing.assert_frame_equal(back, frame)


def test_save_creates_nested_folders(frame, tmp_path):
    path = save_to_csv(frame.head(3), tmp_path / "a" / "b" / "c" / "customers.csv")
    assert path.exists() and len(path.read_text().splitlines()) == 4


def test_same_seed_gives_identical_csv_and_another_seed_differs(tmp_path):
    first = save_to_csv(generate_customers(n=300, seed=9), tmp_path / "one.csv").read_bytes()
    again = save_to_csv(generate_customers(n=300, seed=9), tmp_path / "two.csv").read_bytes()
    other = save_to_csv(generate_customers(n=300, seed=10), tmp_path / "three.csv").read_bytes()
    assert first == again and first != other


def test_reading_a_csv_that_is_not_one_gives_a_one_line_reason(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        read_customers_csv(tmp_path / "missing.csv")
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="missing column"):
        read_customers_csv(path)


def test_csv_quotes_only_when_a_value_needs_it(frame, tmp_path):
    plain = save_to_csv(frame.head(2), tmp_path / "plain.csv").read_text()
    assert '"' not in plain
    tricky = frame.head(2).copy()
    tricky.loc[0, "last_name"] = 'O"Hara, Jr'
    back = read_customers_csv(save_to_csv(tricky, tmp_path / "tricky.csv"))
    assert back.loc[0, "last_name"] == 'O"Hara, Jr'
