"""The marketing funnel, month by month: budget -> channel spend -> visitors -> leads -> MQLs -> signups.

Pure numpy, no Django. Every calendar month draws from its own stream (keyed by the month, never by the window), so
a longer window repeats the months of a shorter one exactly. Each step has its own rate per channel and segment:

- the monthly budget of a segment follows the planning calendar (year-end push, summer dip) with +-10% noise and is
  split over the three web channels by the segment's channel mix; campaigns add their cost to their channel;
- visitors are an organic base plus paid visitors (channel spend over the segment's cost per visitor), both moved
  by the month's demand season and log-normal noise;
- leads are a binomial share of visitors (rate per channel), MQLs a binomial share of leads (rate per segment);
- signups are a binomial share of the MQLs of this month and, for longer sales cycles, of the month before (lag
  share per segment), with a conversion per segment that rises with the month's working days.

So signups can never exceed the MQLs that fed them, and CAC (budget / signups) follows from the rates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import holidays
import numpy as np

from simkit.hashing import hashed_uniform
from simkit.rng import Streams

from . import constants as c

ONE_MONTH = np.timedelta64(1, "M")
# Month numbers are offset so that months after 1900 are non-negative stream keys.
MONTH_KEY_OFFSET = 12 * 70


def month_key(months: np.ndarray) -> np.ndarray:
    """A non-negative integer per calendar month (datetime64[M]), independent of any window."""
    return months.astype("datetime64[M]").astype(np.int64) + MONTH_KEY_OFFSET


@cache
def _holiday_days(year: int) -> np.ndarray:
    return np.array(sorted(holidays.US(years=year)), dtype="datetime64[D]")


def holiday_days(start: np.datetime64, stop: np.datetime64) -> np.ndarray:
    """US public holidays in [start, stop)."""
    years = range(int(str(start)[:4]), int(str(stop)[:4]) + 1)
    days = np.concatenate([_holiday_days(year) for year in years])
    return days[(days >= start) & (days < stop)]


def working_days(months: np.ndarray) -> np.ndarray:
    """Weekdays that are not US public holidays, per calendar month."""
    start = months.astype("datetime64[D]")
    stop = (months + ONE_MONTH).astype("datetime64[D]")
    off = holiday_days(start.min(), stop.max())
    return np.busday_count(start, stop, holidays=off)


@dataclass(frozen=True)
class Campaign:
    """A campaign as planned (not clipped to any window): cost spread evenly over its days."""

    name: str
    channel: str  # acquisition source
    campaign_type: str
    start: np.datetime64
    end: np.datetime64  # inclusive
    cost: float


def planned_campaigns(*, seed: int, months: np.ndarray, scale: float) -> list[Campaign]:
    """Every seasonal campaign touching `months`: the summer sale (Social), Black Friday & holiday (Paid Search,
    November to January) and, in the Aprils where it fires (30%), the spring partner campaign (Referral). The
    cost and the spring coin are hashed from the campaign's year, so they do not depend on the window."""
    years = sorted({int(str(month)[:4]) for month in months})
    campaigns = []
    for year in range(years[0] - 1, years[-1] + 1):
        for kind, (name, channel, kind_name, start, end, low, high) in enumerate(c.CAMPAIGN_PLANS):
            if kind == 2 and hashed_uniform(seed, "spring-campaign", [year])[0] >= c.SPRING_CAMPAIGN_CHANCE:
                continue
            first = np.datetime64(f"{year}-{start}")
            last = np.datetime64(f"{year + (1 if end < start else 0)}-{end}")
            u = hashed_uniform(seed, "campaign-cost", [year * 8 + kind])[0]
            campaigns.append(
                Campaign(name.format(year=year), channel, kind_name, first, last, (low + u * (high - low)) * scale)
            )
    window_start = months[0].astype("datetime64[D]")
    window_stop = (months[-1] + ONE_MONTH).astype("datetime64[D]")
    return [
        campaign
        for campaign in sorted(campaigns, key=lambda x: (x.start, x.name))
        if campaign.end >= window_start and campaign.start < window_stop
    ]


def campaign_spend(campaigns: list[Campaign], months: np.ndarray) -> np.ndarray:
    """Campaign cost per month and web channel (months x WEB_CHANNELS): each day of a campaign costs the same."""
    out = np.zeros((len(months), len(c.WEB_CHANNELS)))
    start = months.astype("datetime64[D]")
    stop = (months + ONE_MONTH).astype("datetime64[D]")
    for campaign in campaigns:
        channel = c.WEB_CHANNEL_OF_SOURCE[campaign.channel]
        total_days = (campaign.end - campaign.start).astype(np.int64) + 1
        overlap = np.minimum(stop, campaign.end + 1) - np.maximum(start, campaign.start)
        out[:, channel] += np.maximum(overlap.astype(np.int64), 0) * campaign.cost / total_days
    return out


@dataclass(frozen=True)
class Funnel:
    """The funnel of every month of a window (index 0 = first month). Arrays: months x segments (budget),
    months x channels (spend, visitors, leads, MQLs), months x segments x channels (MQLs, signups)."""

    months: np.ndarray
    budget: np.ndarray
    channel_spend: np.ndarray
    visitors: np.ndarray
    leads: np.ndarray
    mqls: np.ndarray
    segment_mqls: np.ndarray
    signups: np.ndarray

    @property
    def customers(self) -> np.ndarray:
        """New customers per month."""
        return self.signups.sum(axis=(1, 2))


def _month_funnel(rng: np.random.Generator, month: np.datetime64, campaign: np.ndarray, scale: float):
    """One month's budget, visitors, leads and MQLs per (segment, channel), from this month's stream."""
    moy = int(month.astype(np.int64) % 12)
    segments, channels = len(c.SEGMENTS), len(c.WEB_CHANNELS)
    budget = (
        np.array([c.SEGMENT_BUDGET[s] for s in c.SEGMENTS])
        * c.BUDGET_SEASON[moy]
        * (1 + c.BUDGET_JITTER * (2 * rng.random(segments) - 1))
        * scale
    )
    mix = np.array([c.CHANNEL_MIX[s] for s in c.SEGMENTS])  # segments x channels
    spend = budget[:, None] * mix
    # A campaign's cost buys visitors of every segment in proportion to the segment's share of the channel.
    share = spend / np.maximum(spend.sum(axis=0, keepdims=True), 1e-9)
    spend = spend + share * campaign[None, :]
    cost_per_visitor = (
        np.array(c.COST_PER_VISITOR)[None, :] * np.array([c.SEGMENT_VISITOR_COST[s] for s in c.SEGMENTS])[:, None]
    )
    organic = np.zeros((segments, channels))
    organic[:, c.WEB_CHANNELS.index("Organic")] = [c.ORGANIC_VISITORS[s] for s in c.SEGMENTS]
    demand = c.DEMAND_SEASON[moy] * np.exp(rng.normal(0, c.TRAFFIC_NOISE, (segments, channels)))
    expected = (organic * scale + spend / cost_per_visitor) * demand
    visitors = rng.poisson(expected)
    leads = rng.binomial(visitors, np.array(c.LEAD_RATE_BY_CHANNEL)[None, :])
    mql_rate = np.array([c.MQL_RATE_BY_SEGMENT[s] for s in c.SEGMENTS])[:, None]
    mqls = rng.binomial(leads, mql_rate)
    return budget, spend.sum(axis=0), visitors, leads, mqls


def generate_funnel(*, seed: int, months: np.ndarray, scale: float) -> Funnel:
    """The funnel for `months` (consecutive datetime64[M]); month m draws only from stream ("funnel", m)."""
    streams = Streams(seed)
    every = np.concatenate([[months[0] - ONE_MONTH], months])  # the month before feeds the first month's lag
    campaigns = planned_campaigns(seed=seed, months=every, scale=scale)
    campaign = campaign_spend(campaigns, every)
    parts = [
        _month_funnel(streams.generator("funnel", int(key)), month, campaign[index], scale)
        for index, (month, key) in enumerate(zip(every, month_key(every), strict=True))
    ]
    budget, spend, visitors, leads, mqls = (np.stack([part[i] for part in parts]) for i in range(5))
    lag = np.array([c.SIGNUP_LAG_SHARE[s] for s in c.SEGMENTS])[None, :, None]
    # MQLs ready to convert this month: the unlagged part of this month's and the lagged part of last month's.
    ready = np.rint((1 - lag) * mqls[1:] + lag * mqls[:-1]).astype(np.int64)
    workdays = working_days(every[1:])
    conversion = (
        np.array([c.SIGNUP_RATE[s] for s in c.SEGMENTS])[None, :, None]
        * (workdays / c.MEAN_WORKING_DAYS)[:, None, None]
        ** np.array([c.WORKDAY_ELASTICITY[s] for s in c.SEGMENTS])[None, :, None]
    )
    signups = np.stack(
        [
            streams.generator("signups", int(key)).binomial(ready[i], np.minimum(conversion[i], 1.0))
            for i, key in enumerate(month_key(every[1:]))
        ]
    )
    return Funnel(
        months=months,
        budget=budget[1:],
        channel_spend=spend[1:],
        visitors=visitors[1:].sum(axis=1),
        leads=leads[1:].sum(axis=1),
        mqls=mqls[1:].sum(axis=1),
        segment_mqls=mqls[1:],
        signups=signups,
    )


def first_month(end_date: dt.date, months_count: int = c.WINDOW_MONTHS) -> np.datetime64:
    """The first calendar month of a window of `months_count` months ending with `end_date`'s month."""
    return np.datetime64(end_date, "M") - ONE_MONTH * (months_count - 1)
