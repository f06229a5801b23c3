"""Booking capacity per service and interval, as a fraction of an interval's room.

``appointment_capacity`` (scheduler/capacity.py) deals whole slots over a service mix
for the day plan. A booking desk needs something else: given the rostered head count
and the forecast walk-ins, how many bookings of *one* service could an interval take
while walk-ins stay within the norm? With that number ``cap[s][i]`` per service, a mix
of bookings fits an interval when ``sum(1 / cap[b.service][i]) <= 1`` — each booking
uses its share of the room, and a 30-minute visit uses twice a 15-minute one's.

Plain data in, plain data out; the core stores the result with the day's plan.
"""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.demand import DayDemand
from scheduler.staffing import Target, metrics, service_mixture


def booking_capacity(
    demand: DayDemand,
    staffed: Sequence[int],
    skills_on_duty: Sequence[set[str]],
    services: Sequence[str],
    target: Target | None = None,
    appointment_ca2: float = 0.3,
    max_per_interval: float = 40.0,
) -> dict[str, list[float]]:
    """Per service, the bookings each interval could take if all were that service.

    Zero where the period takes no appointments, nobody is rostered, or nobody on duty
    does the service. Fractions are kept: 0.5 means one booking every other interval.
    """
    target = target or Target()
    dt = demand.interval_minutes
    show = demand.show_rate or 1.0
    out: dict[str, list[float]] = {}
    for code in services:
        row: list[float] = []
        for i in range(demand.n_intervals):
            period = demand.period_at(i)
            if (
                period is None
                or not period.appointments
                or staffed[i] <= 0
                or code not in skills_on_duty[i]
                or code not in demand.services
            ):
                row.append(0.0)
                continue
            walk = {s: demand.walk_in_at(s, i) for s in demand.services if demand.walk_in_at(s, i)}
            w_total = sum(walk.values())
            servers = staffed[i]

            def level(
                x: float,
                walk: dict[str, float] = walk,
                w_total: float = w_total,
                code: str = code,
                servers: int = servers,
            ) -> float:
                rates = dict(walk)
                rates[code] = rates.get(code, 0.0) + x * show
                arrivals = sum(rates.values())
                if arrivals <= 0:
                    return 1.0
                mean, cs2 = service_mixture(rates, demand.services)
                ca2 = (w_total + (arrivals - w_total) * appointment_ca2) / arrivals
                return metrics(
                    arrivals / dt, mean, servers, target, demand.patience_minutes, ca2, cs2
                ).service_level

            lo, hi = 0.0, max_per_interval
            if level(hi) >= target.share:
                lo = hi
            elif level(0.0) >= target.share:
                for _ in range(25):
                    mid = (lo + hi) / 2
                    lo, hi = (mid, hi) if level(mid) >= target.share else (lo, mid)
            # Never more at once than the people on duty can see in the interval.
            ceiling = servers * dt / max(demand.services[code].mean_minutes, 1.0)
            row.append(round(min(lo, max(ceiling, 0.0)), 4))
        out[code] = row
    return out
