"""Random days nobody tuned the planner to: for tests and the benchmark.

``random_day(rng)`` draws a branch day: 2-4 services with mixed service times, a
mixed opening of 3-5 hours with sometimes an appointment-only tail, walk-in rates
that jump between intervals, 4-6 colleagues with random (often narrow) skills and
3-5 counters.
"""

from __future__ import annotations

import numpy as np

from scheduler.demand import DayDemand, Period, ServiceProfile
from scheduler.roster import StaffAvailability


def random_day(
    rng: np.random.Generator,
) -> tuple[DayDemand, list[StaffAvailability], int]:
    codes = ["PAS", "NIK", "RYB", "UIT", "GEB"][: int(rng.integers(2, 5))]
    means = {c: float(rng.choice([5, 8, 10, 12, 15, 20])) for c in codes}
    hours = int(rng.integers(3, 6))
    start = 8 * 60 + 30
    services = {c: ServiceProfile(c, m, float(rng.uniform(0.3, 0.7))) for c, m in means.items()}
    periods = [Period(start, start + hours * 60, "mixed")]
    if rng.random() < 0.5:
        periods.append(Period(start + hours * 60, start + hours * 60 + 90, "appointment"))
    d = DayDemand(periods, services, interval_minutes=15, show_rate=0.92, patience_minutes=25.0)
    n = d.n_intervals
    for c in codes:
        level = float(rng.uniform(0.2, 0.9)) * 10 / means[c]
        walk, appt = [], []
        for i in range(n):
            period = d.period_at(i)
            jump = float(rng.uniform(0.5, 1.6))
            walk.append(level * jump if period is not None and period.walk_ins else 0.0)
            appt.append(level * 0.4 if period is not None and period.appointments else 0.0)
        d.walk_in[c] = walk
        d.appointments[c] = appt
    staff = []
    for k in range(int(rng.integers(4, 7))):
        own = [c for c in codes if rng.random() < 0.6] or [codes[k % len(codes)]]
        staff.append(StaffAvailability(f"s{k}", {c: float(rng.uniform(0.9, 1.2)) for c in own}))
    return d, staff, int(rng.integers(3, 6))
