"""Counters needed per interval to reach the target (default 95% called within 5 min).

Per interval the pool of counters is a G/G/c(+M) queue: Erlang A when visitors walk
out (patience given), Erlang C otherwise, both with the Allen–Cunneen correction for
lognormal service times and for appointment arrivals, which are far more regular than
Poisson walk-ins.

Demand changes during the day, and the queue lags behind it: at 09:00 the counters
are still busy with the 08:45 rush. We therefore staff on the *modified offered load*
(pointwise stationary with lag): the expected number of visits in progress in an
infinite-server system, m(t) = Σ_u λ(u)·P(S > t-u), turned back into an effective
arrival rate m/E[S] for the stationary formula of that interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from scheduler.demand import DayDemand, ServiceProfile
from scheduler.erlang import QueueMetrics, erlang_a, ggc

MAX_COUNTERS = 60


@dataclass(frozen=True)
class Target:
    """The norm: ``share`` of visitors called within ``within_minutes``."""

    share: float = 0.95
    within_minutes: float = 5.0


@dataclass(frozen=True)
class IntervalNeed:
    index: int
    start: int  # minute of day
    arrivals: float  # expected visits starting to wait in the interval
    load: float  # erlangs after the lag correction
    mean_service: float
    cs2: float
    ca2: float
    need: int  # counters to reach the target
    min_open: int  # at least this many during walk-in opening
    late: tuple[float, ...]  # expected visitors over the norm with n = 0, 1, .. counters

    def late_with(self, counters: int) -> float:
        if counters < len(self.late):
            return self.late[counters]
        return self.late[-1]


def lognormal_survival(mean: float, cv: float, t: np.ndarray) -> np.ndarray:
    """P(S > t) for a lognormal with the given mean and coefficient of variation."""
    sigma2 = math.log(1.0 + cv * cv)
    sigma = math.sqrt(sigma2)
    mu = math.log(mean) - sigma2 / 2.0
    out = np.ones_like(t, dtype=float)
    pos = t > 0
    z = (np.log(t[pos]) - mu) / (sigma * math.sqrt(2.0))
    out[pos] = 0.5 * np.vectorize(math.erfc)(z)
    return out


def service_mixture(
    rates: dict[str, float], services: dict[str, ServiceProfile]
) -> tuple[float, float]:
    """Mean and squared cv of the service time of a visitor drawn from ``rates``."""
    total = sum(rates.values())
    if total <= 0:
        means = [p.mean_minutes for p in services.values()]
        return (sum(means) / len(means) if means else 10.0), 1.0
    m1 = sum(r * services[s].mean_minutes for s, r in rates.items()) / total
    m2 = (
        sum(r * services[s].mean_minutes ** 2 * (1 + services[s].cv ** 2) for s, r in rates.items())
        / total
    )
    return m1, max(m2 / (m1 * m1) - 1.0, 0.0)


def offered_load(demand: DayDemand, arrivals: dict[str, np.ndarray]) -> np.ndarray:
    """Mean visits in progress per interval (infinite servers), on a one-minute grid."""
    dt = demand.interval_minutes
    n = demand.n_intervals
    minutes = n * dt
    load = np.zeros(minutes)
    age = np.arange(minutes, dtype=float) + 0.5
    for code, per_interval in arrivals.items():
        prof = demand.services[code]
        per_minute = np.repeat(per_interval / dt, dt)
        survival = lognormal_survival(prof.mean_minutes, prof.cv, age)
        load += np.convolve(per_minute, survival)[:minutes]
    return load.reshape(n, dt).mean(axis=1)


@lru_cache(maxsize=200_000)
def metrics(
    arrival_rate: float,
    mean_service: float,
    servers: int,
    target: Target,
    patience: float | None,
    ca2: float,
    cs2: float,
) -> QueueMetrics:
    if patience:
        return erlang_a(
            arrival_rate, mean_service, servers, patience, target.within_minutes, cs2, ca2
        )
    return ggc(arrival_rate, mean_service, servers, target.within_minutes, ca2, cs2)


def interval_needs(
    demand: DayDemand,
    target: Target | None = None,
    appointment_ca2: float = 0.3,
    lag: bool = True,
    extra_counters: int = 3,
    open_minimum: bool = True,
) -> list[IntervalNeed]:
    """Counters needed per interval, with the expected late visitors per head count.

    ``open_minimum``: at least one counter whenever walk-ins may come (off for the
    need of a group of services, which may have no demand at all in an interval).
    """
    target = target or Target()
    dt = demand.interval_minutes
    n = demand.n_intervals
    show = demand.show_rate
    per_service: dict[str, np.ndarray] = {}
    appt_total = np.zeros(n)
    walk_total = np.zeros(n)
    for code in demand.services:
        w = np.array(demand.walk_in.get(code, [0.0] * n), dtype=float)
        a = np.array(demand.appointments.get(code, [0.0] * n), dtype=float) * show
        per_service[code] = w + a
        walk_total += w
        appt_total += a
    lagged = offered_load(demand, per_service) if lag else None

    needs: list[IntervalNeed] = []
    last_mix = (10.0, 1.0)
    for i in range(n):
        period = demand.period_at(i)
        rates = {s: float(v[i]) for s, v in per_service.items() if v[i] > 0}
        arrivals = sum(rates.values())
        if arrivals > 0:
            mean, cs2 = service_mixture(rates, demand.services)
            last_mix = (mean, cs2)
        else:
            # Work left over from earlier intervals keeps the mix it arrived with.
            mean, cs2 = last_mix
        ca2 = 1.0
        if arrivals > 0:
            ca2 = (walk_total[i] + appt_total[i] * appointment_ca2) / arrivals
        load = float(lagged[i]) if lagged is not None else arrivals / dt * mean
        min_open = 1 if open_minimum and period is not None and period.walk_ins else 0
        if period is None or load <= 1e-6:
            late = (arrivals,) + (0.0,) * (min_open + extra_counters)
            need = min_open if period is not None else 0
            if not open_minimum and arrivals > 0.05:
                need = 1  # a trickle of demand still needs somebody who can serve it
            needs.append(
                IntervalNeed(
                    i,
                    demand.interval_start(i),
                    arrivals,
                    load,
                    mean,
                    cs2,
                    ca2,
                    need,
                    min_open,
                    late,
                )
            )
            continue
        # Visitors the interval has to handle: its own plus those the lag carries in.
        arrivals = max(arrivals, load * dt / mean)
        rate = load / mean
        late_values: list[float] = []
        need = -1
        c = 0
        while c <= MAX_COUNTERS:
            m = metrics(rate, mean, c, target, demand.patience_minutes, ca2, cs2)
            late_values.append(arrivals * (1.0 - m.service_level))
            if need < 0 and m.service_level >= target.share:
                need = c
            if need >= 0 and c >= need + extra_counters:
                break
            c += 1
        if need < 0:
            need = MAX_COUNTERS
        need = max(need, min_open)
        needs.append(
            IntervalNeed(
                i,
                demand.interval_start(i),
                arrivals,
                load,
                mean,
                cs2,
                ca2,
                need,
                min_open,
                tuple(late_values),
            )
        )
    return needs


def skill_cover(demand: DayDemand, min_arrivals: float = 0.05) -> dict[str, list[int]]:
    """Staff with the skill needed per service and interval: enough to carry its load.

    The pooled need already counts heads; this only keeps a service from being left
    to nobody (at least one skilled person while it has demand).
    """
    dt = demand.interval_minutes
    out: dict[str, list[int]] = {}
    for code, prof in demand.services.items():
        row = []
        for i in range(demand.n_intervals):
            arrivals = demand.walk_in_at(code, i) + demand.appointments_at(code, i) * (
                demand.show_rate
            )
            if arrivals < min_arrivals:
                row.append(0)
            else:
                row.append(max(1, math.ceil(arrivals * prof.mean_minutes / dt - 0.25)))
        out[code] = row
    return out


def sub_demand(demand: DayDemand, services: frozenset[str] | set[str]) -> DayDemand:
    """The same day with only the demand of ``services``."""
    return DayDemand(
        demand.opening,
        demand.services,
        {c: v for c, v in demand.walk_in.items() if c in services},
        {c: v for c, v in demand.appointments.items() if c in services},
        interval_minutes=demand.interval_minutes,
        show_rate=demand.show_rate,
        patience_minutes=demand.patience_minutes,
        day=demand.day,
    )


def demanded_services(demand: DayDemand) -> set[str]:
    return {
        c
        for c in demand.services
        if sum(demand.walk_in.get(c, [])) + sum(demand.appointments.get(c, [])) > 0
    }


def group_need(
    demand: DayDemand, services: frozenset[str], target: Target | None = None
) -> list[int]:
    """Counters the demand of ``services`` alone needs per interval (Allen–Cunneen).

    Patience is left out (Erlang C is quicker to compute and errs on the safe side);
    the simulation in the loop corrects what the formula gets wrong.
    """
    sub = sub_demand(demand, services)
    sub.patience_minutes = None
    return [nd.need for nd in interval_needs(sub, target, open_minimum=False)]
