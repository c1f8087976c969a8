"""The bulk loader against the configured backend: types round-trip, atomicity, index deferral, sequences."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.db import connections

from core.loader import bulk_load
from core.validation import ParameterCheck, foreign_key_orphans, recovery_report
from minicrm.models import Customer, Order, Product, ProductPrice, RFMScore

pytestmark = pytest.mark.django_db(databases=["default", "minicrm"], transaction=True)


def customers(n, start=1):
    ids = np.arange(start, start + n)
    return {
        "id": ids,
        "first_name": np.full(n, "Ann"),
        "last_name": np.array(["O'Neil"] * n),
        "email": np.array([f"a{i}@example.com" for i in ids]),
        "phone": np.full(n, "(555) 010-0000"),
        "address": np.full(n, "1 Main St"),
        "city": np.full(n, "Springfield"),
        "state": np.full(n, "IL"),
        "postal_code": np.full(n, "62701"),
        "created_at": np.datetime64("2025-03-04T05:06:07") + np.arange(n).astype("timedelta64[s]"),
        "persona": np.full(n, "loyal"),
    }


def test_values_round_trip():
    with bulk_load(using="minicrm", batch_size=2) as loader:
        loader.write(Customer, customers(3))
        loader.write(
            Product,
            {
                "id": np.array([1]),
                "name": np.array(["Mug"]),
                "category": np.array(["Kitchen"]),
                "description": np.array(["ok"]),
                "price": np.array([12.345]),
                "stock": np.array([4]),
            },
        )
        loader.write(
            Order,
            {
                "id": np.array([1, 2]),
                "customer_id": np.array([1, 3]),
                "order_date": np.array(["2025-01-02T03:04:05", "2025-12-31T23:59:59"], dtype="datetime64[s]"),
                "status": np.array(["delivered", "cancelled"]),
                "total_price": np.array([0.1 + 0.2, 5.0]),
            },
        )
    assert loader.stats.rows == {"customers": 3, "products": 1, "orders": 2}
    first = Customer.objects.get(pk=1)
    assert first.last_name == "O'Neil"
    assert first.created_at == dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    assert Product.objects.get().price == Decimal("12.35") or Product.objects.get().price == Decimal("12.34")
    order = Order.objects.get(pk=1)
    assert order.total_price == Decimal("0.30")
    assert order.order_date == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert Order.objects.get(pk=2).customer_id == 3


def test_failure_rolls_back_everything_including_the_wipe():
    with bulk_load(using="minicrm") as loader:
        loader.write(Customer, customers(5))
    with pytest.raises(RuntimeError), bulk_load(using="minicrm") as loader:
        loader.wipe("minicrm")
        loader.write(Customer, customers(7, start=100))
        raise RuntimeError("boom")
    assert sorted(Customer.objects.values_list("id", flat=True)) == [1, 2, 3, 4, 5]


def test_indexes_are_restored_after_deferral():
    connection = connections["minicrm"]

    def index_names():
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "orders")
        return {name for name, info in constraints.items() if info["index"] and not info["primary_key"]}

    before = index_names()
    assert before  # customer_id, order_date and status are indexed
    with bulk_load(using="minicrm") as loader:
        loader.write(Customer, customers(2))
        loader.write(
            Order,
            {
                "id": np.array([1]),
                "customer_id": np.array([1]),
                "order_date": np.array(["2025-01-02T03:04:05"], dtype="datetime64[s]"),
                "status": np.array(["delivered"]),
                "total_price": np.array([1.0]),
            },
        )
    assert index_names() == before


def test_sequences_continue_after_explicit_ids():
    with bulk_load(using="minicrm") as loader:
        loader.write(Customer, customers(10))
    created = Customer.objects.create(
        **{k: v[0] for k, v in customers(1, start=999).items() if k != "id"}
        | {"email": "new@example.com", "created_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC)}
    )
    # No collision with the explicit ids (MySQL's counter may be higher still: InnoDB never rolls it back).
    assert created.pk >= 11
    assert Customer.objects.count() == 11


def test_unknown_column_is_rejected():
    with pytest.raises(ValueError, match="has no column"), bulk_load(using="minicrm") as loader:
        loader.write(Customer, {"id": np.array([1]), "shoe_size": np.array([9])})


def test_orphans_are_counted():
    with bulk_load(using="minicrm") as loader:
        loader.write(Customer, customers(1))
    connection = connections["minicrm"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute(
                "INSERT INTO orders (order_id, customer_id, order_date, status, total_price) "
                "VALUES (1, 77, '2025-01-01 00:00:00', 'delivered', 1)"
            )
            cursor.execute("PRAGMA foreign_keys = ON")
        orphans = {(o.table, o.column): o.orphans for o in foreign_key_orphans(using="minicrm", app_label="minicrm")}
        assert orphans[("orders", "customer_id")] == 1
    else:
        assert all(o.orphans == 0 for o in foreign_key_orphans(using="minicrm", app_label="minicrm"))


def test_parameter_checks():
    checks = [ParameterCheck("a", 10, 10.5, 0.10), ParameterCheck("b", 10, 12, 0.10)]
    assert [c.passed for c in checks] == [True, False]
    assert recovery_report(checks)[-1] == "1 of 2 parameters recovered within tolerance"


def test_a_row_without_parent_fails_the_whole_load():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), bulk_load(using="minicrm") as loader:
        loader.write(Customer, customers(2))
        loader.write(
            Order,
            {
                "id": np.array([1, 2]),
                "customer_id": np.array([1, 99]),
                "order_date": np.array(["2025-01-02T03:04:05"] * 2, dtype="datetime64[s]"),
                "status": np.array(["delivered"] * 2),
                "total_price": np.array([1.0, 2.0]),
            },
        )
    assert Customer.objects.count() == 0 and Order.objects.count() == 0


def test_sqlite_index_builds_sort_with_worker_threads_and_the_setting_is_restored():
    from core.loader import SQLITE_SORT_THREADS, _sqlite_sort_threads

    connection = connections["minicrm"]
    if connection.vendor != "sqlite" or SQLITE_SORT_THREADS < 2:
        pytest.skip("PRAGMA threads is SQLite's, and a single core gets no sorter threads")

    def threads():
        with connection.cursor() as cursor:
            return cursor.execute("PRAGMA threads").fetchone()[0]

    before = threads()
    with _sqlite_sort_threads(connection):
        during = threads()

    assert during == SQLITE_SORT_THREADS
    assert threads() == before


# --- The fast paths of PostgreSQL (binary COPY) and MariaDB (LOAD DATA LOCAL INFILE) against their fallbacks -------

AWKWARD = np.array(["tab\there", "new\nline", "back\\slash", "\\N", 'O\'Neil "q"', "émoji 🎉", "", "cr\rx"])


def every_field_type():
    """minicrm rows covering every field type its models use, with awkward text, NULLs and rounding."""
    n = len(AWKWARD)
    ids = np.arange(1, n + 1)
    people = customers(n) | {
        "first_name": AWKWARD,
        "created_at": np.datetime64("2025-03-04T05:06:07.900") + np.arange(n).astype("timedelta64[h]"),
    }
    products = {
        "id": ids,
        "name": AWKWARD,
        "category": np.full(n, "Kitchen"),
        "description": np.char.multiply(AWKWARD, 3),
        "price": np.array([0.1 + 0.2, 12.345, 0.005, 99999999.99, 1.0, 2.675, 0.0, 7.1]),
        "stock": ids * 1000,
    }
    prices = {
        "id": ids,
        "product_id": ids,
        "price": np.linspace(1, 2, n),
        "valid_from": np.datetime64("1999-12-31") + ids.astype("timedelta64[D]"),
        "valid_to": np.where(ids % 2 == 0, np.datetime64("2026-02-28"), np.datetime64("NaT", "D")).astype(
            "datetime64[D]"
        ),
    }
    scores = {
        "customer_id": ids,
        "recency_days": ids,
        "frequency": ids * 2,
        "monetary": ids * 1234.5678,
        "recency_score": ids % 5 + 1,
        "frequency_score": ids % 5 + 1,
        "monetary_score": ids % 5 + 1,
        "rfm_code": np.full(n, "545"),
        "segment": np.full(n, "Champions"),
        "as_of": np.full(n, np.datetime64("2025-12-31")),
        "calculated_at": np.full(n, np.datetime64("2026-01-01T00:00:00")),
        "is_stale": ids % 3 == 0,
    }
    return [(Customer, people), (Product, products), (ProductPrice, prices), (RFMScore, scores)]


def stored_rows():
    return {
        model._meta.db_table: list(model.objects.order_by("pk").values_list())
        for model in (Customer, Product, ProductPrice, RFMScore)
    }


def load_every_field_type():
    with bulk_load(using="minicrm", batch_size=5) as loader:
        loader.wipe("minicrm")
        for model, columns in every_field_type():
            loader.write(model, columns)
    return loader.stats.paths


def fast_path_and_fallback(monkeypatch):
    """Load the rows by the backend's fast path, then by its fallback; the paths taken and the rows each stored."""
    import core.loader

    connection = connections["minicrm"]
    if connection.vendor not in ("postgresql", "mysql"):
        pytest.skip("binary COPY and LOAD DATA are PostgreSQL's and MariaDB's (set MINICRM_DATABASE_URL)")
    fast_paths = load_every_field_type()
    fast = stored_rows()
    if connection.vendor == "postgresql":
        monkeypatch.setattr(core.loader, "_pg_binary_type", lambda model_field, connection: None)
    else:  # the client option off, as a server or settings without local_infile would have it
        monkeypatch.setitem(
            connection.settings_dict, "OPTIONS", {**connection.settings_dict["OPTIONS"], "local_infile": 0}
        )
        connection.close()
    slow_paths = load_every_field_type()
    slow = stored_rows()
    return connection.vendor, fast_paths, fast, slow_paths, slow


def test_fast_paths_store_exactly_what_the_fallbacks_store(monkeypatch):
    vendor, fast_paths, fast, slow_paths, slow = fast_path_and_fallback(monkeypatch)
    expected_fast, expected_slow = ("copy binary", "copy") if vendor == "postgresql" else ("load data", "insert")
    assert set(fast_paths.values()) == {expected_fast}
    assert set(slow_paths.values()) == {expected_slow}
    assert fast == slow
    assert [len(rows) for rows in fast.values()] == [len(AWKWARD)] * 4
    names = [row[1] for row in fast["customers"]]
    assert names == AWKWARD.tolist()
    first = Customer.objects.get(pk=1)
    assert first.created_at == dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)  # whole seconds, as text always wrote
    # 12.345 is 12.34499... in binary: np.round, which both paths apply, gives 12.34
    assert [p.price for p in Product.objects.order_by("pk")][:2] == [Decimal("0.30"), Decimal("12.34")]
    assert ProductPrice.objects.filter(valid_to__isnull=True).count() == len(AWKWARD) // 2
    assert ProductPrice.objects.get(pk=1).valid_from == dt.date(2000, 1, 1)
    assert RFMScore.objects.filter(is_stale=True).count() == 2
    assert RFMScore.objects.get(pk=8).monetary == Decimal("9876.54")


def test_load_data_refuses_a_duplicate_key_instead_of_skipping_it():
    from django.db import IntegrityError

    if connections["minicrm"].vendor not in ("postgresql", "mysql"):
        pytest.skip("LOAD DATA and COPY are MariaDB's and PostgreSQL's (set MINICRM_DATABASE_URL)")
    with bulk_load(using="minicrm") as loader:
        loader.write(Customer, customers(3))
    with pytest.raises(IntegrityError), bulk_load(using="minicrm") as loader:
        loader.write(Customer, customers(3, start=3))
    assert Customer.objects.count() == 3


def test_text_columns_are_escaped_for_load_data():
    from core.loader import _tsv_column

    text = _tsv_column(AWKWARD, Customer._meta.get_field("first_name"))
    assert text.tolist() == [
        "tab\\there",
        "new\\nline",
        "back\\\\slash",
        "\\\\N",
        'O\'Neil "q"',
        "émoji 🎉",
        "",
        "cr\\rx",
    ]
    dates = _tsv_column(
        np.array(["2025-01-02", "NaT"], dtype="datetime64[D]"), ProductPrice._meta.get_field("valid_to")
    )
    assert dates.tolist() == ["2025-01-02", "\\N"]
    money = _tsv_column(np.array([0.1 + 0.2, np.nan]), Product._meta.get_field("price"))
    assert money.tolist() == ["0.3", "\\N"]
