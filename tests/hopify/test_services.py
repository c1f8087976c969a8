"""The Done-when properties of issue 5, checked on one real seed at a small scale (read-only tests)."""

import collections
import datetime as dt
from decimal import Decimal

import pytest

from core.validation import foreign_key_orphans
from hopify.constants import DEFAULT_END_DATE, ChangeType, SubscriptionStatus
from hopify.funnel import generate_funnel
from hopify.generation import Window
from hopify.models import (
    Benchmark,
    ChurnEvent,
    Customer,
    Discount,
    Order,
    OrderDiscount,
    OrderItem,
    Payment,
    Subscription,
    SupportTicket,
)

from .conftest import HOPIFY_DATABASES, SMALL_SCALE

pytestmark = [pytest.mark.django_db(databases=HOPIFY_DATABASES), pytest.mark.usefixtures("seeded_hopify")]
END = DEFAULT_END_DATE
DB = "hopify"


def customers():
    return {cid: (signup, segment) for cid, signup, segment in
            Customer.objects.using(DB).values_list("id", "signup_date", "customer_segment")}  # fmt: skip


def gaps():
    """customer_id -> [(churn_date, the reactivation after it or None), ...] in date order."""
    react = collections.defaultdict(list)
    for cid, day in (
        Subscription.objects.using(DB)
        .filter(change_type=ChangeType.REACTIVATION)
        .order_by("start_date")
        .values_list("customer_id", "start_date")
    ):
        react[cid].append(day)
    out = collections.defaultdict(list)
    for cid, day in ChurnEvent.objects.using(DB).order_by("churn_date").values_list("customer_id", "churn_date"):
        later = [r for r in react[cid] if r > day]
        out[cid].append((day, later[0] if later else None))
    return out


def in_gap(customer_id, day, churn_gaps) -> bool:
    return any(
        day >= churn_day and (react_day is None or day < react_day)
        for churn_day, react_day in churn_gaps.get(customer_id, ())
    )


def test_report_counts_every_table(seeded_hopify):
    assert len(seeded_hopify.rows) == 16
    assert seeded_hopify.rows["customers"] == Customer.objects.using(DB).count() > 3000
    assert any("customers by segment" in line for line in seeded_hopify.details)
    assert any(line.strip().startswith("Churn Rate") for line in seeded_hopify.details)


def test_foreign_keys_all_resolve():
    orphans = foreign_key_orphans(using=DB, app_label="hopify")
    assert len(orphans) == 13  # every declared foreign key was checked
    assert [o for o in orphans if o.orphans] == []


@pytest.mark.parametrize(
    ("model", "date_field"),
    [
        (Order, "order_date"),
        (Payment, "payment_date"),
        (SupportTicket, "created_at"),
        (Subscription, "start_date"),
        (ChurnEvent, "churn_date"),
    ],
)
def test_nothing_before_signup_between_churn_and_reactivation_or_after_the_window(model, date_field):
    signups = customers()
    churn_gaps = gaps()
    rows = list(model.objects.using(DB).values_list("customer_id", date_field))
    assert rows
    days = [(cid, value.date() if isinstance(value, dt.datetime) else value) for cid, value in rows]
    assert [r for r in days if r[1] < signups[r[0]][0]] == []
    assert [r for r in days if r[1] > END] == []
    if model is not ChurnEvent:
        assert [r for r in days if in_gap(r[0], r[1], churn_gaps)] == []


def test_subscriptions_tell_one_story_per_customer():
    churn_gaps = gaps()
    history = collections.defaultdict(list)
    for row in (
        Subscription.objects.using(DB)
        .order_by("customer_id", "start_date", "id")
        .values("customer_id", "start_date", "end_date", "status", "change_type")
    ):
        history[row["customer_id"]].append(row)
    assert set(history) == set(customers())
    for cid, rows in history.items():
        active = [row for row in rows if row["status"] == SubscriptionStatus.ACTIVE]
        spells = churn_gaps.get(cid, [])
        live = not spells or spells[-1][1] is not None
        assert len(active) == (1 if live else 0), cid
        if live:
            assert active[0] is rows[-1] and rows[-1]["end_date"] is None
        assert rows[0]["change_type"] == ChangeType.SIGNUP
        churn_days = [day for day, _ in spells]
        for previous, current in zip(rows, rows[1:], strict=False):
            if current["change_type"] == ChangeType.REACTIVATION:
                assert previous["end_date"] in churn_days
            else:
                assert current["start_date"] == previous["end_date"]  # each row starts when the previous ends
        for churned in churn_days:
            # The churn cancels the subscription current on its date: one row ends exactly then, none spans it.
            ending = [row for row in rows if row["end_date"] == churned]
            assert len(ending) == 1 and ending[0]["status"] == SubscriptionStatus.CANCELLED
            spanning = [
                r for r in rows if r["start_date"] <= churned and (r["end_date"] is None or r["end_date"] > churned)
            ]
            assert spanning == []


def test_reactivation_comes_30_to_180_days_after_churn_at_a_higher_price():
    churned = collections.defaultdict(list)
    for cid, day in ChurnEvent.objects.using(DB).values_list("customer_id", "churn_date"):
        churned[cid].append(day)
    reactivations = list(Subscription.objects.using(DB).filter(change_type=ChangeType.REACTIVATION).values_list(
        "customer_id", "start_date", "subscription_price", "plan_type", "seats"
    ))  # fmt: skip
    assert reactivations
    prices = {"Starter": 29, "Basic": 79, "Standard": 299, "Advanced": 399, "Plus": 2000}
    for cid, start, price, plan, seats in reactivations:
        assert 30 <= min((start - day).days for day in churned[cid] if day < start) <= 180
        list_price = Decimal(prices[plan]) * seats
        assert list_price < price <= list_price * Decimal("1.15") + Decimal("0.01")


def test_order_totals_equal_items_minus_discounts_and_discounts_sit_inside_their_windows():
    items = collections.Counter()
    for order_id, subtotal in OrderItem.objects.using(DB).values_list("order_id", "subtotal"):
        items[order_id] += subtotal
    codes = {d.id: d for d in Discount.objects.using(DB).all()}
    used = dict(OrderDiscount.objects.using(DB).values_list("order_id", "discount_id"))
    assert used
    for order_id, total, discount, placed in Order.objects.using(DB).values_list(
        "id", "total_amount", "discount_amount", "order_date"
    ):
        assert total == items[order_id] - discount
        if order_id in used:
            code = codes[used[order_id]]
            assert code.start_date <= placed.date() <= code.end_date
            assert abs(discount - items[order_id] * code.discount_percent / 100) <= Decimal("0.01")
        else:
            assert discount == 0


def test_payments_follow_their_orders_and_subscriptions():
    orders = dict(Order.objects.using(DB).values_list("id", "order_date"))
    paid = collections.Counter()
    for order_id, sub_id, when in Payment.objects.using(DB).values_list("order_id", "subscription_id", "payment_date"):
        assert (order_id is None) != (sub_id is None)
        if order_id is not None:
            assert when >= orders[order_id]
            paid[order_id] += 1
    assert set(paid) == set(orders)  # one payment per order, plus at most one retry
    assert max(paid.values()) == 2
    success_rate = Payment.objects.using(DB).filter(success=True).count() / Payment.objects.using(DB).count()
    assert 0.90 < success_rate < 0.99  # declines by method and segment, and the dunning retries that fail again


def test_segment_mix_comes_from_the_funnel_and_varies_by_month():
    counts = collections.Counter(segment for _, segment in customers().values())
    total = sum(counts.values())
    for segment, share in (("SMB", 0.64), ("Mid-Market", 0.27), ("Enterprise", 0.09)):
        assert abs(counts[segment] / total - share) <= 0.05
    by_month = collections.Counter((day.year, day.month, segment) for day, segment in customers().values())
    shares = {by_month[(y, m, "SMB")] / sum(by_month[(y, m, s)] for s in ("SMB", "Mid-Market", "Enterprise"))
              for (y, m, _) in by_month}  # fmt: skip
    assert max(shares) - min(shares) > 0.03  # not a fixed split every month


def test_monthly_acquisition_is_the_funnels_signups():
    funnel = generate_funnel(seed=42, months=Window(end_date=END).months, scale=SMALL_SCALE)
    per_month = collections.Counter((day.year, day.month) for day, _ in customers().values())
    pairs = zip(funnel.months, funnel.customers, strict=True)
    planned = {(int(str(m)[:4]), int(str(m)[5:7])): int(n) for m, n in pairs}
    assert per_month == planned


def test_all_33_benchmarks_load_with_one_period_vocabulary():
    assert Benchmark.objects.using(DB).count() == 33
    assert set(Benchmark.objects.using(DB).values_list("target_period", flat=True)) == {"monthly", "annual", "lifetime"}


def test_one_lowercase_status_vocabulary():
    assert set(Subscription.objects.using(DB).values_list("status", flat=True)) == {"active", "cancelled"}
    assert set(Subscription.objects.using(DB).values_list("change_type", flat=True)) == {
        "signup", "upgrade", "downgrade", "reactivation",
    }  # fmt: skip
    assert set(Order.objects.using(DB).values_list("order_type", flat=True)) == {"purchase", "expansion"}


def test_tickets_open_only_when_unresolved_at_the_window_end():
    open_tickets = SupportTicket.objects.using(DB).filter(resolved_at=None)
    cutoff = dt.datetime.combine(END, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=90)  # heavy tail, not weeks
    assert not open_tickets.filter(created_at__lt=cutoff).exists()
    resolved = SupportTicket.objects.using(DB).exclude(resolved_at=None).values_list("created_at", "resolved_at")
    assert all(created < done for created, done in resolved)
