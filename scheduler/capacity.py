"""Appointment capacity: how many bookings an interval can take while walk-ins keep the norm.

Per interval the rostered counters must carry the forecast walk-ins *and* the
appointments; the capacity is the largest number of bookings for which the pool
still calls the target share within the norm (Allen–Cunneen, with appointments as
near-regular arrivals). In appointment-only periods there are no walk-ins, so all
capacity goes to appointments. Bookings are split over services by ``mix`` and only
to services somebody on duty can serve.

Start times are spread over the interval (centred, services interleaved), so three
bookings in 10:00–10:15 start at 10:02, 10:07 and 10:12 instead of all at 10:00.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scheduler.demand import DayDemand, hhmm
from scheduler.staffing import Target, metrics, service_mixture


@dataclass(frozen=True, order=True)
class AppointmentSlot:
    start: int  # minute of day
    service: str
    duration: int  # minutes reception blocks in the calendar

    def to_dict(self) -> dict:
        return {"start": hhmm(self.start), "service": self.service, "duration": self.duration}


@dataclass
class Capacity:
    interval_minutes: int
    start: int
    per_interval: dict[str, list[int]]
    slots: list[AppointmentSlot]

    def total(self, service: str | None = None) -> int:
        if service is not None:
            return sum(self.per_interval.get(service, []))
        return sum(sum(v) for v in self.per_interval.values())

    def to_dict(self) -> dict:
        return {
            "per_interval": {
                s: {hhmm(self.start + i * self.interval_minutes): n for i, n in enumerate(v) if n}
                for s, v in self.per_interval.items()
            },
            "slots": [s.to_dict() for s in self.slots],
        }


def spread_starts(
    interval_start: int, interval_minutes: int, counts: Mapping[str, int]
) -> list[tuple[int, str]]:
    """Start times for ``counts`` bookings in one interval: centred and interleaved."""
    total = sum(counts.values())
    if total == 0:
        return []
    # Interleave services proportionally (like dealing cards) so no service piles up.
    order: list[str] = []
    given = dict.fromkeys(counts, 0)
    for _ in range(total):
        s = min(
            (c for c in counts if given[c] < counts[c]),
            key=lambda c: ((given[c] + 0.5) / counts[c], c),
        )
        given[s] += 1
        order.append(s)
    step = interval_minutes / total
    return [(interval_start + int((k + 0.5) * step), s) for k, s in enumerate(order)]


def appointment_capacity(
    demand: DayDemand,
    staffed: Sequence[int],
    target: Target | None = None,
    mix: Mapping[str, float] | None = None,
    skills_on_duty: Sequence[set[str]] | None = None,
    appointment_ca2: float = 0.3,
    max_per_interval: int = 40,
) -> Capacity:
    """Bookable appointments per service and interval for the given head count.

    ``mix`` weighs the services that take appointments (default: the booked
    appointments in ``demand``, else its walk-in mix).
    """
    target = target or Target()
    dt = demand.interval_minutes
    n = demand.n_intervals
    if mix is None:
        mix = {s: sum(v) for s, v in demand.appointments.items() if sum(v) > 0}
        if not mix:
            mix = {s: sum(v) for s, v in demand.walk_in.items() if sum(v) > 0}
    mix = {s: w for s, w in mix.items() if w > 0 and s in demand.services}
    per_interval = {s: [0] * n for s in mix}
    slots: list[AppointmentSlot] = []
    show = demand.show_rate
    wsum = sum(mix.values()) or 1.0
    share = {c: w / wsum for c, w in mix.items()}
    given = dict.fromkeys(mix, 0)
    booked_total = 0
    carry = 0.0
    for i in range(n):
        period = demand.period_at(i)
        if period is None or not period.appointments or staffed[i] <= 0:
            continue
        allowed = [s for s in mix if skills_on_duty is None or s in skills_on_duty[i]]
        if not allowed:
            continue
        walk = {s: demand.walk_in_at(s, i) for s in demand.services if demand.walk_in_at(s, i)}
        w_total = sum(walk.values())
        a_share = sum(share[s] for s in allowed)

        def level(
            x: float,
            walk: dict[str, float] = walk,
            w_total: float = w_total,
            allowed: list[str] = allowed,
            a_share: float = a_share,
            i: int = i,
        ) -> float:
            rates = dict(walk)
            for s in allowed:
                rates[s] = rates.get(s, 0.0) + x * show * share[s] / a_share
            arrivals = sum(rates.values())
            if arrivals <= 0:
                return 1.0
            mean, cs2 = service_mixture(rates, demand.services)
            ca2 = (w_total + (arrivals - w_total) * appointment_ca2) / arrivals
            return metrics(
                arrivals / dt, mean, staffed[i], target, demand.patience_minutes, ca2, cs2
            ).service_level

        # Largest (fractional) number of bookings that keeps the norm, by bisection;
        # fractions carry over, so 0.6 + 0.6 gives one slot in the second interval.
        lo, hi = 0.0, float(max_per_interval)
        if level(hi) >= target.share:
            lo = hi
        elif level(0.0) >= target.share:
            for _ in range(30):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if level(mid) >= target.share else (lo, mid)
        carry += lo
        total = int(carry + 1e-9)
        carry -= total
        split = dict.fromkeys(allowed, 0)
        for k in range(total):
            # Deal each booking to the service furthest behind its share of the day,
            # so small services get their turn instead of losing every rounding.
            grand = booked_total + k + 1
            s = max(allowed, key=lambda c: (grand * share[c] - given[c] - split[c], share[c], c))
            split[s] += 1
        for s, k in split.items():
            per_interval[s][i] = k
            given[s] += k
        booked_total += total
        start = demand.interval_start(i)
        for minute, s in spread_starts(start, dt, split):
            slots.append(
                AppointmentSlot(minute, s, max(5, int(round(demand.services[s].mean_minutes))))
            )
    return Capacity(dt, demand.start, per_interval, sorted(slots))
