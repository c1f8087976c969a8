"""Each customer's life, month by month: billing, dunning, support, plan and seat changes, orders and churn.

Pure numpy, no Django. The simulation walks the calendar months of the window once, vectorised over the customers
of a shard. Every draw is a hashed uniform of (seed, customer, calendar month, slot) (`simkit.hashing`), never of
the window's length or of how many rows came before, so a run with a later `--end-date` replays every month of a
shorter run exactly and only adds months after it.

Causes, in the order a month is played for an active customer:

1. plan and seat changes at the start of the billing period (upgrades and seat growth by segment, downgrades more
   likely after a failed payment);
2. the monthly fee: a first attempt overnight on the billing day, declines by payment method, segment and the
   customer's own risk, dunning retries after 3, 7 and 14 days; when all fail the account is closed
   (involuntary churn, reason "Payment failed");
3. support tickets: onboarding tickets in the first weeks, then a rate by segment times the customer's own friction,
   a billing ticket after a failed charge; resolution hours log-normal by priority and segment;
4. voluntary churn as a hazard: a base per segment that falls with tenure (and with account size in the bigger
   segments) and rises with the tickets and slow resolutions of the last three months, recent failed payments
   and a recent downgrade; the reason follows the strongest driver;
5. orders: an onboarding purchase, occasional purchases, and an expansion order with every upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simkit.hashing import hashed_uniform

from . import constants as c
from .funnel import month_key

BUSINESS_HOURS = (0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.8, 1.5, 3, 4.5, 5, 5, 4.5, 5, 5, 4.5, 4, 3, 2, 1.5, 1, 0.6, 0.3, 0.2)
BILLING_HOURS = (1, 1, 1, 1, 1, 1) + (0,) * 18  # subscription fees are charged by the overnight billing run
FAR = np.datetime64("2300-01-01", "s")

ONE_MONTH = np.timedelta64(1, "M")
SLOTS = 64  # hashed draws per customer and month
TICKET_SLOTS = 4  # at most this many tickets per customer and month (plus onboarding)


def keys(ids: np.ndarray, month: int, slot: int) -> np.ndarray:
    """The hash key of (customer, calendar month, slot)."""
    return (np.asarray(ids, dtype=np.int64) * 4096 + month) * SLOTS + slot


class Draws:
    """Hashed uniforms for one seed: `u(ids, month, slot)`, `normal(ids, month, slot)`."""

    def __init__(self, seed: int):
        self.seed = seed

    def u(self, ids, month: int, slot: int) -> np.ndarray:
        return hashed_uniform(self.seed, "hopify-life", keys(ids, month, slot))

    def static(self, ids, name: str) -> np.ndarray:
        """A per-customer draw that never changes (risk, friction, payment method)."""
        return hashed_uniform(self.seed, f"hopify-{name}", ids)

    def normal(self, ids, month: int, slot: int) -> np.ndarray:
        u1 = np.maximum(self.u(ids, month, slot), 1e-12)
        u2 = self.u(ids, month, slot + 1)
        return np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)

    def static_normal(self, ids, name: str) -> np.ndarray:
        u1 = np.maximum(self.static(ids, name + "-a"), 1e-12)
        return np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * self.static(ids, name + "-b"))


def poisson_from_uniform(u: np.ndarray, lam: np.ndarray, top: int) -> np.ndarray:
    """Poisson(lam) counts by inversion of `u`, capped at `top`."""
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    count = np.zeros(len(u), dtype=np.int64)
    for k in range(1, top + 1):
        count += u >= cdf
        pmf = pmf * lam / k
        cdf = cdf + pmf
    return count


def seconds_from_uniform(u: np.ndarray, hour_weights) -> np.ndarray:
    """Seconds after midnight from one uniform: the hour by `hour_weights`, then uniform within the hour."""
    p = np.cumsum(hour_weights) / np.sum(hour_weights)
    hour = np.minimum(np.searchsorted(p, u, side="right"), 23)
    low = np.concatenate([[0.0], p])[hour]
    within = (u - low) / np.maximum(p[hour] - low, 1e-12)
    return hour * 3600 + np.minimum(np.floor(within * 3600), 3599).astype(np.int64)


def per_segment(mapping) -> np.ndarray:
    return np.array([mapping[segment] for segment in c.SEGMENTS], dtype=float)


def day_in_month(month: np.datetime64, dom: np.ndarray) -> np.ndarray:
    """Day `dom` (0-based) of `month`, clamped to the month's last day."""
    first = month.astype("datetime64[D]")
    length = ((month + ONE_MONTH).astype("datetime64[D]") - first).astype(np.int64)
    return first + np.minimum(dom, length - 1).astype("timedelta64[D]")


class Rows:
    """Column lists of one table, appended month by month and joined once at the end."""

    def __init__(self, *names: str):
        self.parts = {name: [] for name in names}

    def add(self, **columns):
        for name, values in columns.items():
            self.parts[name].append(np.asarray(values))

    def columns(self) -> dict[str, np.ndarray]:
        return {name: np.concatenate(parts) if parts else np.array([]) for name, parts in self.parts.items()}


@dataclass
class History:
    """What happened to a shard's customers: raw event columns indexed by customer position (`owner`)."""

    subscriptions: dict
    payments: dict
    tickets: dict
    orders: dict
    churn: dict
    method: np.ndarray  # payment method index per customer


def simulate(*, seed: int, ids: np.ndarray, segment: np.ndarray, signup: np.ndarray, months: np.ndarray) -> History:
    """Play `months` (the window's calendar months) for the customers `ids` (signup days in the window)."""
    n = len(ids)
    draws = Draws(seed)
    seg_f = lambda mapping: per_segment(mapping)[segment]  # noqa: E731
    # Who the customer is, once and for all.
    method = np.searchsorted(
        np.cumsum(c.PAYMENT_METHOD_WEIGHTS), draws.static(ids, "method") * sum(c.PAYMENT_METHOD_WEIGHTS), side="right"
    )
    method = np.minimum(method, len(c.PAYMENT_METHODS) - 1)
    risk = np.exp(c.PAYMENT_RISK_SIGMA * draws.static_normal(ids, "risk") - c.PAYMENT_RISK_SIGMA**2 / 2)
    friction = np.exp(c.FRICTION_SIGMA * draws.static_normal(ids, "friction") - c.FRICTION_SIGMA**2 / 2)
    first_plan_cum = np.cumsum(np.array([c.FIRST_PLAN_WEIGHTS[s] for s in c.SEGMENTS])[segment], axis=1)
    plan = np.minimum((first_plan_cum <= draws.static(ids, "plan")[:, None]).sum(axis=1), len(c.PLANS) - 1)
    seats = np.maximum(
        1, np.rint(np.exp(np.log(seg_f(c.SEATS_MEDIAN)) + seg_f(c.SEATS_SIGMA) * draws.static_normal(ids, "seats")))
    ).astype(np.int64)
    prices = np.array(c.PLAN_PRICES)
    uplift = np.ones(n)
    median_size = (
        seg_f(c.SEATS_MEDIAN)
        * (prices[None, :] * np.array([c.FIRST_PLAN_WEIGHTS[s] for s in c.SEGMENTS])).sum(axis=1)[segment]
    )

    status = np.zeros(n, dtype=np.int8)  # 0 not yet signed up, 1 active, 2 away (will return), 3 gone
    signup_month = signup.astype("datetime64[M]")
    anchor = (signup - signup_month.astype("datetime64[D]")).astype(np.int64)
    spell_start = np.zeros(n, dtype=np.int64)
    return_month = np.full(n, -1, dtype=np.int64)
    return_dom = np.zeros(n, dtype=np.int64)
    row_start = np.full(n, np.datetime64("NaT", "D"), dtype="datetime64[D]")
    row_change = np.zeros(n, dtype=np.int64)
    recent_tickets = np.zeros((3, n))
    recent_slow = np.zeros((3, n))
    recent_failed = np.zeros((3, n))
    last_downgrade = np.full(n, -99, dtype=np.int64)

    subs = Rows("owner", "start", "end", "plan", "seats", "price", "change")
    pays = Rows("owner", "when", "amount", "success")
    tickets = Rows("owner", "created", "hours", "category", "priority")
    orders = Rows("owner", "when", "kind", "key")
    churn = Rows("owner", "day", "reason", "involuntary")

    def close_rows(index, end_day):
        price = np.round(prices[plan[index]] * seats[index] * uplift[index], 2)
        subs.add(owner=index, start=row_start[index], end=end_day, plan=plan[index], seats=seats[index], price=price,
                 change=row_change[index])  # fmt: skip

    for t, (month, mkey) in enumerate(zip(months, month_key(months), strict=True)):
        mkey = int(mkey)
        new = (status == 0) & (signup_month == month)
        back = (status == 2) & (return_month == t)
        status[new | back] = 1
        spell_start[new | back] = t
        anchor[back] = return_dom[back]
        row_start[new] = signup[new]
        row_change[new] = 0
        if back.any():
            uplift[back] = c.REACTIVATION_PRICE_UPLIFT[0] + draws.u(ids[back], mkey, 0) * np.diff(
                c.REACTIVATION_PRICE_UPLIFT
            )
        row_change[back] = 3
        active = np.flatnonzero(status == 1)
        if not len(active):
            continue
        a_ids, a_seg = ids[active], segment[active]
        start = day_in_month(month, anchor[active])
        row_start[back] = day_in_month(month, anchor[back])
        tenure = t - spell_start[active]
        old = tenure >= 1
        u = lambda slot, a_ids=a_ids, mkey=mkey: draws.u(a_ids, mkey, slot)  # noqa: E731

        # 1. Plan and seat changes at the start of the period.
        failed_lately = recent_failed[:, active].sum(axis=0) > 0
        p_up = per_segment(c.UPGRADE_RATE)[a_seg]
        p_down = per_segment(c.DOWNGRADE_RATE)[a_seg] * np.where(failed_lately, c.DOWNGRADE_AFTER_FAILURE, 1.0)
        p_seat = per_segment(c.SEAT_GROWTH_RATE)[a_seg]
        u_change = u(1)
        top = len(c.PLANS) - 1
        up = old & (u_change < p_up) & (plan[active] < top)
        down = old & ~up & (u_change >= p_up) & (u_change < p_up + p_down) & ((plan[active] > 0) | (seats[active] > 1))
        grow = old & ~up & ~down & (u(2) < p_seat)
        changed = up | down | grow
        if changed.any():
            index = active[changed]
            close_rows(index, start[changed])
            row_start[index] = start[changed]
            plan[active[up]] += 1
            shrink = down & (plan[active] > 0) & (u(3) < 0.6)
            plan[active[shrink]] -= 1
            fewer = down & ~shrink
            seats[active[fewer]] = np.maximum(1, np.floor(seats[active[fewer]] * (0.5 + 0.3 * u(4)[fewer])))
            added = np.maximum(
                1, np.rint(seats[active[grow]] * per_segment(c.SEAT_GROWTH_SIZE)[a_seg[grow]] * (0.5 + u(4)[grow]))
            )
            seats[active[grow]] += added.astype(np.int64)
            row_change[active[up | grow]] = 1
            row_change[active[down]] = 2
            last_downgrade[active[down]] = t

        # 2. The monthly fee and its dunning.
        fee = np.round(prices[plan[active]] * seats[active] * uplift[active], 2)
        bill_time = start.astype("datetime64[s]") + seconds_from_uniform(u(5), BILLING_HOURS).astype("timedelta64[s]")
        p_fail = np.minimum(
            np.array(c.DECLINE_RATE_BY_METHOD)[method[active]]
            * per_segment(c.DECLINE_SEGMENT_FACTOR)[a_seg]
            * risk[active],
            0.9,
        )
        ok = u(6) >= p_fail
        month_pays = [(np.arange(len(active)), bill_time, fee, ok)]
        recovered = ok.copy()
        p_recover = per_segment(c.DUNNING_RECOVERY)[a_seg]
        for attempt, delay in enumerate(c.DUNNING_DAYS):
            trying = ~recovered
            if not trying.any():
                break
            success = u(7 + attempt) < p_recover
            index = np.flatnonzero(trying)
            retry_at = bill_time[index] + np.timedelta64(delay * 86_400, "s")
            month_pays.append((index, retry_at, fee[index], success[index]))
            recovered |= trying & success
        failed = ~ok
        involuntary = ~recovered

        # 3. Support tickets.
        lam = (
            per_segment(c.TICKET_RATE)[a_seg]
            * friction[active]
            * np.where(tenure == 0, c.FIRST_MONTH_TICKET_FACTOR, 1.0)
        )
        count = poisson_from_uniform(u(12), lam, TICKET_SLOTS)
        billing_ticket = failed & (u(13) < c.BILLING_TICKET_AFTER_FAILURE)
        onboarding = (tenure == 0) & (u(14) < per_segment(c.ONBOARDING_TICKET_SHARE)[a_seg])
        month_tickets = count + billing_ticket + onboarding
        slow_count = np.zeros(len(active))
        month_ticket_rows = []
        hours_median = per_segment(c.RESOLUTION_MEDIAN_HOURS)[a_seg]
        sigma = per_segment(c.RESOLUTION_SIGMA)[a_seg]
        priority_cum = np.cumsum(np.array([c.PRIORITY_WEIGHTS[s] for s in c.SEGMENTS])[a_seg], axis=1)
        category_cum = np.cumsum(c.TICKET_CATEGORY_WEIGHTS_LATER) / np.sum(c.TICKET_CATEGORY_WEIGHTS_LATER)
        for j in range(TICKET_SLOTS + 2):
            if j < TICKET_SLOTS:
                has = count > j
                category = np.minimum(np.searchsorted(category_cum, u(16 + 4 * j), side="right"), len(category_cum) - 1)
                day_offset = np.floor(u(17 + 4 * j) * 28)
            elif j == TICKET_SLOTS:
                has, category = billing_ticket, np.zeros(len(active), dtype=np.int64)
                day_offset = np.floor(np.array(c.DUNNING_DAYS[0]) + u(17 + 4 * j) * 5)
            else:
                has, category = onboarding, np.full(len(active), c.TICKET_CATEGORIES.index("Onboarding"))
                day_offset = np.floor(u(17 + 4 * j) ** 2 * c.ONBOARDING_WINDOW_DAYS)
            if not has.any():
                continue
            priority = np.minimum((priority_cum <= u(18 + 4 * j)[:, None]).sum(axis=1), len(c.TICKET_PRIORITIES) - 1)
            z = draws.normal(a_ids, mkey, 19 + 4 * j)
            hours = hours_median * np.array(c.PRIORITY_HOURS_FACTOR)[priority] * np.exp(sigma * z)
            hours = np.maximum(hours, 0.1)
            created = (start + day_offset.astype("timedelta64[D]")).astype("datetime64[s]") + seconds_from_uniform(
                u(40 + j), BUSINESS_HOURS
            ).astype("timedelta64[s]")
            index = np.flatnonzero(has)
            month_ticket_rows.append((index, created[index], hours[index], category[index], priority[index]))
            weight = np.where(category == c.TICKET_CATEGORIES.index("Technical"), c.TECHNICAL_TICKET_WEIGHT, 1.0)
            slow_count += has * (hours > c.SLOW_RESOLUTION_HOURS)
            month_tickets = month_tickets + has * (weight - 1.0)
        recent_tickets = np.roll(recent_tickets, 1, axis=0)
        recent_slow = np.roll(recent_slow, 1, axis=0)
        recent_failed = np.roll(recent_failed, 1, axis=0)
        recent_tickets[0, :], recent_slow[0, :], recent_failed[0, :] = 0, 0, 0
        recent_tickets[0, active] = month_tickets
        recent_slow[0, active] = slow_count
        recent_failed[0, active] = failed

        # 4. Voluntary churn as a hazard.
        tenure_curve = 1 + per_segment(c.EARLY_CHURN_LIFT)[a_seg] * np.exp(-tenure / c.EARLY_CHURN_MONTHS)
        size = np.maximum(fee / uplift[active], 1.0) / median_size[active]
        size_factor = size ** (-per_segment(c.SIZE_CHURN_ELASTICITY)[a_seg])
        drivers = (
            c.HAZARD_PER_TICKET * recent_tickets[:, active].sum(axis=0)
            + c.HAZARD_PER_SLOW_TICKET * recent_slow[:, active].sum(axis=0)
            + c.HAZARD_PER_FAILED_PAYMENT * recent_failed[:, active].sum(axis=0)
            + c.HAZARD_DOWNGRADE * (t - last_downgrade[active] <= c.DOWNGRADE_MEMORY_MONTHS)
        )
        hazard = per_segment(c.CHURN_HAZARD_BASE)[a_seg] * tenure_curve * size_factor * np.exp(drivers)
        voluntary = (
            ~involuntary & (u(15) < np.minimum(hazard, 0.9)) & (tenure >= per_segment(c.MIN_TENURE_MONTHS)[a_seg])
        )
        leaving = voluntary | involuntary
        churn_day = np.where(
            involuntary,
            start + np.timedelta64(c.DUNNING_DAYS[-1] + 1, "D"),
            start + (1 + np.floor(u(50) * 26)).astype("timedelta64[D]"),
        )
        reason_weights = np.tile(np.array(c.CHURN_REASON_WEIGHTS), (len(active), 1))
        reason_weights[:, 0] += c.REASON_BOOST * (recent_failed[:, active].sum(axis=0) > 0) + c.REASON_BOOST * (
            t - last_downgrade[active] <= c.DOWNGRADE_MEMORY_MONTHS
        )
        reason_weights[:, 3] += c.REASON_BOOST * np.minimum(recent_slow[:, active].sum(axis=0), 2)
        reason_weights[:, 2] += c.REASON_BOOST * 0.5 * (recent_tickets[:, active].sum(axis=0) >= 3)
        reason_cum = np.cumsum(reason_weights, axis=1)
        reason = np.minimum(
            (reason_cum <= (u(51) * reason_cum[:, -1])[:, None]).sum(axis=1), reason_weights.shape[1] - 1
        )
        reason = np.where(involuntary, len(c.CHURN_REASONS) - 1, reason)

        # 5. Orders, placed before any churn in the period.
        p_order = per_segment(c.ORDER_RATE)[a_seg] + (tenure == 0) * per_segment(c.ONBOARDING_ORDER_SHARE)[a_seg]
        span = np.maximum((churn_day - start).astype(np.int64), 1)
        for slot, has in enumerate((u(52) < p_order, up | grow)):
            offset = np.floor(u(53 + slot) * np.where(leaving, span, 28)) if slot == 0 else np.zeros(len(active))
            when = (start + offset.astype("timedelta64[D]")).astype("datetime64[s]") + seconds_from_uniform(
                u(55 + slot), BUSINESS_HOURS
            ).astype("timedelta64[s]")
            index = np.flatnonzero(has)
            orders.add(owner=active[index], when=when[index], kind=np.full(len(index), slot),
                       key=keys(a_ids[index], mkey, 60 + slot))  # fmt: skip

        # Nothing of this period happens after the churn day.
        cutoff = np.where(leaving, churn_day.astype("datetime64[s]"), FAR)
        for index, when, amount, success in month_pays:
            keep = when < cutoff[index]
            pays.add(owner=active[index][keep], when=when[keep], amount=amount[keep], success=success[keep])
        for index, created, hours, category, priority in month_ticket_rows:
            keep = created < cutoff[index]
            tickets.add(owner=active[index][keep], created=created[keep], hours=hours[keep], category=category[keep],
                        priority=priority[keep])  # fmt: skip

        if leaving.any():
            index = active[leaving]
            close_rows(index, churn_day[leaving])
            churn.add(owner=index, day=churn_day[leaving], reason=reason[leaving], involuntary=involuntary[leaving])
            returns = u(57)[leaving] < per_segment(c.REACTIVATION_SHARE)[a_seg[leaving]]
            gap = c.REACTIVATION_DAYS[0] + np.floor(u(58)[leaving] * (np.diff(c.REACTIVATION_DAYS)[0] + 1))
            back_day = churn_day[leaving] + gap.astype("timedelta64[D]")
            back_month = back_day.astype("datetime64[M]")
            status[index] = np.where(returns, 2, 3)
            return_month[index] = t + (back_month - month).astype(np.int64)
            return_dom[index] = (back_day - back_month.astype("datetime64[D]")).astype(np.int64)
            row_start[index] = np.datetime64("NaT", "D")

    open_rows = np.flatnonzero(status == 1)
    close_rows(open_rows, np.full(len(open_rows), np.datetime64("NaT", "D"), dtype="datetime64[D]"))
    return History(subs.columns(), pays.columns(), tickets.columns(), orders.columns(), churn.columns(), method)
