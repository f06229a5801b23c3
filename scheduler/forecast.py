"""Forecast from history: walk-ins per service per interval by weekday, show rate,
service times per service and each clerk's speed per service.

Input is plain :class:`VisitRecord` rows (the core maps its tickets/appointments to
them). Speed factors are shrunk towards 1.0 with ``prior_visits`` pseudo-visits, so a
clerk with three quick passports is not declared an expert.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from scheduler.demand import DayDemand, Period, ServiceProfile

WALK_IN = "walk_in"
APPOINTMENT = "appointment"


@dataclass(frozen=True)
class VisitRecord:
    service: str
    kind: str  # "walk_in" | "appointment"
    arrival: datetime | None  # issue/check-in; None for an appointment that never came
    called: datetime | None = None
    started: datetime | None = None
    finished: datetime | None = None
    staff: str | None = None
    appointment_time: datetime | None = None


@dataclass(frozen=True)
class ServiceTimes:
    mean_minutes: float
    cv: float
    count: int


@dataclass(frozen=True)
class Punctuality:
    """How booked visitors arrive against their appointment time (check-in minus
    appointment, minutes; negative is early), over the visits that came."""

    median_minutes: float
    late_share: float  # share that checked in after the appointment time
    visits: int


@dataclass
class Forecast:
    interval_minutes: int
    # weekday (0 = Monday) -> service -> {interval start minute: mean arrivals per day}
    walk_ins: dict[int, dict[str, dict[int, float]]]
    show_rate: float
    service_times: dict[str, ServiceTimes]
    speed: dict[str, dict[str, float]] = field(default_factory=dict)  # staff -> service -> f
    days_seen: dict[int, int] = field(default_factory=dict)
    punctuality: Punctuality | None = None  # None: no booked visitor came yet

    def profiles(self) -> dict[str, ServiceProfile]:
        return {s: ServiceProfile(s, t.mean_minutes, t.cv) for s, t in self.service_times.items()}

    def day_demand(
        self,
        day: date,
        opening: Sequence[Period],
        appointments: dict[str, list[float]] | None = None,
        services: dict[str, ServiceProfile] | None = None,
        patience_minutes: float | None = None,
    ) -> DayDemand:
        """Demand for ``day``: forecast walk-ins in walk-in periods plus booked appointments."""
        services = services or self.profiles()
        probe = DayDemand(list(opening), services, interval_minutes=self.interval_minutes)
        by_service = self.walk_ins.get(day.weekday(), {})
        walk: dict[str, list[float]] = {}
        for code in services:
            row = []
            for i in range(probe.n_intervals):
                period = probe.period_at(i)
                start = probe.interval_start(i)
                ok = period is not None and period.walk_ins
                row.append(by_service.get(code, {}).get(start, 0.0) if ok else 0.0)
            walk[code] = row
        return DayDemand(
            list(opening),
            services,
            walk,
            appointments or {},
            interval_minutes=self.interval_minutes,
            show_rate=self.show_rate,
            patience_minutes=patience_minutes,
            day=day,
        )


def _moments(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    if n < 2 or mean <= 0:
        return mean, 0.5
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var) / mean


def build_forecast(
    records: Iterable[VisitRecord],
    interval_minutes: int = 15,
    prior_visits: int = 20,
    min_visits: int = 10,
    default_cv: float = 0.5,
) -> Forecast:
    records = list(records)
    # Days the branch was open: any record on that date counts.
    dates_by_weekday: dict[int, set[date]] = defaultdict(set)
    for r in records:
        when = r.arrival or r.appointment_time
        if when is not None:
            dates_by_weekday[when.weekday()].add(when.date())
    counts: dict[int, dict[str, dict[int, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for r in records:
        if r.kind != WALK_IN or r.arrival is None:
            continue
        minute = r.arrival.hour * 60 + r.arrival.minute
        slot = minute - minute % interval_minutes
        counts[r.arrival.weekday()][r.service][slot] += 1
    walk_ins = {
        wd: {
            s: {slot: c / len(dates_by_weekday[wd]) for slot, c in sorted(slots.items())}
            for s, slots in by_service.items()
        }
        for wd, by_service in counts.items()
    }

    booked = [r for r in records if r.kind == APPOINTMENT]
    shows = sum(1 for r in booked if r.arrival is not None)
    show_rate = shows / len(booked) if booked else 1.0

    # Punctuality: every visit with both an appointment time and a check-in, also the
    # late ones that became a walk-in.
    offsets = sorted(
        (r.arrival - r.appointment_time).total_seconds() / 60.0
        for r in records
        if r.arrival is not None and r.appointment_time is not None
    )
    punctuality = (
        Punctuality(
            median_minutes=statistics.median(offsets),
            late_share=sum(1 for o in offsets if o > 0) / len(offsets),
            visits=len(offsets),
        )
        if offsets
        else None
    )

    durations: dict[str, list[float]] = defaultdict(list)
    by_staff: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in records:
        if r.started and r.finished and r.finished > r.started:
            d = (r.finished - r.started).total_seconds() / 60.0
            durations[r.service].append(d)
            if r.staff:
                by_staff[(r.staff, r.service)].append(d)
    service_times = {}
    for s, values in durations.items():
        mean, cv = _moments(values)
        service_times[s] = ServiceTimes(
            mean, cv if len(values) >= min_visits else default_cv, len(values)
        )
    speed: dict[str, dict[str, float]] = defaultdict(dict)
    for (staff, s), values in by_staff.items():
        if len(values) < min_visits:
            continue
        ratio = service_times[s].mean_minutes / (sum(values) / len(values))
        n = len(values)
        speed[staff][s] = (n * ratio + prior_visits * 1.0) / (n + prior_visits)
    return Forecast(
        interval_minutes,
        walk_ins,
        show_rate,
        service_times,
        dict(speed),
        {wd: len(d) for wd, d in dates_by_weekday.items()},
        punctuality,
    )
