"""Plain types that describe one day of demand on a branch.

A day is a grid of equal intervals (15 minutes by default) from the first opening to
the last closing. Times inside the scheduler are minutes since midnight (local wall
clock); ``datetime.time`` only appears at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

WALK_IN = "walk_in"
MIXED = "mixed"
APPOINTMENT = "appointment"
MODES = (WALK_IN, MIXED, APPOINTMENT)


def to_minute(t: time | str | int) -> int:
    """Minutes since midnight from a ``time``, "HH:MM" or an int (passed through)."""
    if isinstance(t, int):
        return t
    if isinstance(t, str):
        hh, mm = t.split(":")
        return int(hh) * 60 + int(mm)
    return t.hour * 60 + t.minute


def hhmm(minute: float) -> str:
    m = int(round(minute))
    return f"{m // 60:02d}:{m % 60:02d}"


@dataclass(frozen=True)
class Period:
    """An opening period: ``walk_in`` (tickets only), ``mixed`` or ``appointment`` only."""

    start: int  # minute of day
    end: int
    mode: str = MIXED

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown period mode {self.mode!r}")
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    @classmethod
    def of(cls, start: time | str | int, end: time | str | int, mode: str = MIXED) -> Period:
        return cls(to_minute(start), to_minute(end), mode)

    @property
    def walk_ins(self) -> bool:
        return self.mode != APPOINTMENT

    @property
    def appointments(self) -> bool:
        return self.mode != WALK_IN


@dataclass(frozen=True)
class ServiceProfile:
    """Service-time distribution of one service (lognormal in the simulator)."""

    code: str
    mean_minutes: float
    cv: float = 0.5
    name: str = ""


@dataclass
class DayDemand:
    """Expected demand on one day, per service per interval.

    ``walk_in[s][i]`` is the expected number of walk-ins for service ``s`` arriving in
    interval ``i``; ``appointments[s][i]`` the expected number booked to start in it
    (before no-shows; ``show_rate`` turns bookings into visits).
    """

    opening: list[Period]
    services: dict[str, ServiceProfile]
    walk_in: dict[str, list[float]] = field(default_factory=dict)
    appointments: dict[str, list[float]] = field(default_factory=dict)
    interval_minutes: int = 15
    show_rate: float = 1.0
    patience_minutes: float | None = None
    day: date | None = None

    def __post_init__(self) -> None:
        if not self.opening:
            raise ValueError("a day needs at least one opening period")
        self.opening = sorted(self.opening, key=lambda p: p.start)
        for p in self.opening:
            if (p.start - self.start) % self.interval_minutes or (
                p.end - self.start
            ) % self.interval_minutes:
                raise ValueError("opening periods must fall on the interval grid")
        n = self.n_intervals
        for table in (self.walk_in, self.appointments):
            for code, values in table.items():
                if code not in self.services:
                    raise ValueError(f"demand for unknown service {code!r}")
                if len(values) != n:
                    raise ValueError(f"{code}: expected {n} intervals, got {len(values)}")

    @property
    def start(self) -> int:
        return min(p.start for p in self.opening)

    @property
    def end(self) -> int:
        return max(p.end for p in self.opening)

    @property
    def n_intervals(self) -> int:
        return (self.end - self.start) // self.interval_minutes

    def interval_start(self, i: int) -> int:
        return self.start + i * self.interval_minutes

    def period_at(self, i: int) -> Period | None:
        t = self.interval_start(i)
        for p in self.opening:
            if p.start <= t < p.end:
                return p
        return None

    def walk_in_at(self, service: str, i: int) -> float:
        values = self.walk_in.get(service)
        return values[i] if values else 0.0

    def appointments_at(self, service: str, i: int) -> float:
        values = self.appointments.get(service)
        return values[i] if values else 0.0
