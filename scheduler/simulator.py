"""Discrete-event simulation (SimPy) of one day at the counters.

The same visitors (arrival, service-time draw, patience, no-show, punctuality) are
generated once per day from ``numpy.random.default_rng([seed, day])`` and replayed
under every policy: common random numbers, so differences between policies are
differences of policy, not of luck.

A clerk works the blocks of their shift; when free, the policy picks the next ticket
from the ones the clerk may serve. A visit takes the visitor's base draw divided by
the clerk's speed for that service. The clerk whose shift ends at closing stays until
the queue for their services is empty (overtime is counted). Walk-ins leave when their
patience runs out before being called.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import simpy
from simpy.events import ProcessGenerator

from scheduler.capacity import AppointmentSlot
from scheduler.dispatch import CounterContext, WaitingTicket
from scheduler.policies import Policy, SimClerk, SimTicket
from scheduler.prediction import CounterState, QueueState, predict_wait, simple_rule

BASE_DATE = datetime(2024, 1, 1)  # any day: the simulator works in minutes of the day


@dataclass(frozen=True)
class ClerkPlan:
    """A clerk's working blocks; per block the counter and its equipment (None: all)."""

    id: str
    skills: Mapping[str, float]
    segments: tuple[tuple[int, int], ...]
    counters: tuple[int, ...] = ()
    equipment: tuple[frozenset[str] | None, ...] = ()

    def at(self, k: int) -> tuple[int, frozenset[str] | None]:
        counter = self.counters[k] if k < len(self.counters) else 0
        equip = self.equipment[k] if k < len(self.equipment) else None
        return counter, equip


@dataclass
class DayInput:
    weekday: str
    day_index: int
    close: int
    tickets: list[SimTicket]
    bookings: list[tuple[float, str, int]]  # (appointment time, service, ticket id or -1)
    clerks: list[ClerkPlan]
    mean_minutes: dict[str, float]
    cv: dict[str, float]
    load: dict[str, float]  # forecast work minutes per service (for the fixed baseline)
    show_rate: float = 1.0
    period_ends: tuple[int, ...] = ()  # a clerk ending here stays until the queue is empty
    refused_other_day: int = 0  # refused appointment requests that went to another day


@dataclass
class DayOutcome:
    policy: str
    day_index: int
    kind: np.ndarray  # 0 walk-in, 1 appointment
    wait: np.ndarray  # minutes from clock start to call; nan when never called
    abandoned: np.ndarray  # bool
    lateness: np.ndarray  # appointments: call - appointment time (minutes)
    busy_minutes: float
    duty_minutes: float
    planned_minutes: float
    pred_abs_err: np.ndarray = field(default_factory=lambda: np.zeros(0))
    simple_abs_err: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # Per ticket: minute of arrival, of the appointment (nan: walk-in), patience,
    # service, and the counter that called it (0: never called / unknown).
    arrival: np.ndarray = field(default_factory=lambda: np.zeros(0))
    appointment: np.ndarray = field(default_factory=lambda: np.zeros(0))
    patience: np.ndarray = field(default_factory=lambda: np.zeros(0))
    service: tuple[str, ...] = ()
    counter: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    # Appointment requests the plan could not take, this day: came as walk-ins anyway
    # (they are among the visitors above), or moved to another day.
    refused_walk_in: int = 0
    refused_other_day: int = 0
    # Lower bound on the summed waiting incl. walk-outs of any policy (scheduler.bound)
    wait_bound_minutes: float = math.nan


def lognormal_draw(rng: np.random.Generator, mean: float, cv: float, size: int) -> np.ndarray:
    s2 = math.log(1.0 + cv * cv)
    return rng.lognormal(math.log(mean) - s2 / 2.0, math.sqrt(s2), size)


@dataclass(frozen=True)
class ArrivalModel:
    """What the day generator needs: expected walk-ins and the bookable slots."""

    start: int
    interval_minutes: int
    walk_in: Mapping[str, Sequence[float]]  # expected per interval (already scaled)
    slots: Sequence[AppointmentSlot]
    booking_probability: Mapping[str, float]
    mean_minutes: Mapping[str, float]
    cv: Mapping[str, float]
    prefixes: Mapping[str, str]
    patience_minutes: float
    no_show_rate: float
    punctuality_mean: float
    punctuality_sd: float
    # Appointment requests per service the plan had no slot for (expected per day),
    # and what those people do: come as walk-ins anyway, or book another day.
    refused: Mapping[str, float] = field(default_factory=dict)
    refused_as: str = "walk_in"  # "walk_in" | "other_day"


@dataclass(frozen=True)
class RefusedToday:
    """Appointment requests of one day the plan had no slot for, and where they went."""

    walk_in: int = 0  # came as a walk-in anyway (``SimTicket.refused``)
    other_day: int = 0  # booked another day (or no walk-in hours for the service)

    @property
    def total(self) -> int:
        return self.walk_in + self.other_day


def generate_day(
    model: ArrivalModel, seed: int, day_index: int
) -> tuple[list[SimTicket], list[tuple[float, str, int]]]:
    """Visitors of one day; the same (seed, day) always gives the same visitors."""
    tickets, bookings, _refused = generate_day_counted(model, seed, day_index)
    return tickets, bookings


def generate_day_counted(
    model: ArrivalModel, seed: int, day_index: int
) -> tuple[list[SimTicket], list[tuple[float, str, int]], RefusedToday]:
    """``generate_day`` plus the day's refused requests, counted by where they went.

    Refused requests are drawn last (a Poisson number per service), so the other
    visitors of the day stay the same whatever the refusals and whatever they do.
    """
    rng = np.random.default_rng([seed, day_index])
    dt = model.interval_minutes
    raw: list[tuple[float, str, str, float | None, float, float]] = []
    for service in sorted(model.walk_in):
        rates = np.asarray(model.walk_in[service], dtype=float)
        counts = rng.poisson(rates)
        total = int(counts.sum())
        offsets = rng.random(total) * dt
        starts = np.repeat(model.start + np.arange(len(rates)) * dt, counts)
        draws = lognormal_draw(rng, model.mean_minutes[service], model.cv[service], total)
        patience: np.ndarray = (
            rng.exponential(model.patience_minutes, total)
            if model.patience_minutes > 0
            else np.full(total, math.inf)
        )
        for a, d, p in zip(starts + offsets, draws, patience, strict=True):
            raw.append((float(a), service, "walk_in", None, float(d), float(p)))
    n_slots = len(model.slots)
    u_book = rng.random(n_slots)
    u_show = rng.random(n_slots)
    punct = rng.normal(model.punctuality_mean, model.punctuality_sd, n_slots)
    z = rng.standard_normal(n_slots)
    bookings: list[tuple[float, str, int]] = []
    for k, slot in enumerate(model.slots):
        if u_book[k] >= model.booking_probability.get(slot.service, 0.0):
            continue
        if u_show[k] < model.no_show_rate:
            bookings.append((float(slot.start), slot.service, -1))
            continue
        mean, cv = model.mean_minutes[slot.service], model.cv[slot.service]
        s2 = math.log(1.0 + cv * cv)
        draw = math.exp(math.log(mean) - s2 / 2.0 + math.sqrt(s2) * float(z[k]))
        arrival = slot.start + float(punct[k])
        raw.append((arrival, slot.service, "appointment", float(slot.start), draw, math.inf))
    moved = came = 0
    for service in sorted(model.refused):
        count = int(rng.poisson(model.refused[service]))
        rates = np.asarray(model.walk_in.get(service, ()), dtype=float)
        if model.refused_as != "walk_in" or rates.sum() <= 0:
            moved += count  # they book another day (no walk-in hours: they must)
            continue
        came += count
        if count:
            slots_at = rng.choice(len(rates), size=count, p=rates / rates.sum())
            offsets = rng.random(count) * dt
            draws = lognormal_draw(rng, model.mean_minutes[service], model.cv[service], count)
            patience = (
                rng.exponential(model.patience_minutes, count)
                if model.patience_minutes > 0
                else np.full(count, math.inf)
            )
            for j in range(count):
                a = model.start + int(slots_at[j]) * dt + float(offsets[j])
                raw.append((a, service, "refused", None, float(draws[j]), float(patience[j])))
    raw.sort(key=lambda r: (r[0], r[1]))
    tickets: list[SimTicket] = []
    seq: dict[str, int] = {}
    for i, (arrival, service, how, appt, draw, calm) in enumerate(raw):
        seq[service] = seq.get(service, 0) + 1
        number = f"{model.prefixes.get(service, service[0])} {seq[service]}"
        kind = "walk_in" if how == "refused" else how
        t = SimTicket(i, number, service, kind, arrival, appt, draw, calm, refused=how == "refused")
        t.wt = WaitingTicket(
            id=i,
            number=number,
            service=service,
            kind=kind,
            waiting_since=BASE_DATE + timedelta(minutes=arrival),
            appointment_time=None if appt is None else BASE_DATE + timedelta(minutes=appt),
        )
        tickets.append(t)
        if appt is not None:
            bookings.append((appt, service, i))
    bookings.sort()
    return tickets, bookings, RefusedToday(came, moved)


class _Day:
    """State of one simulated day under one policy."""

    def __init__(self, day: DayInput, policy: Policy, predict: bool, early_call: float) -> None:
        self.day = day
        self.policy = policy
        self.predict = predict
        self.early_call = early_call
        self.env = simpy.Environment(
            initial_time=min(
                [t.arrival for t in day.tickets]
                + [s for c in day.clerks for s, _ in c.segments]
                + [day.close]
            )
        )
        self.waiting: dict[int, SimTicket] = {}
        self.wake = self.env.event()
        all_services = set(day.mean_minutes)
        self.clerks = [
            SimClerk(
                c.id,
                {s: max(c.skills.get(s, 1.0), 1.0) for s in all_services}
                if policy.pooled
                else dict(c.skills),
                c.segments,
            )
            for c in day.clerks
        ]
        self.plans = {c.id: c for c in day.clerks}
        self.base_skills = {c.id: dict(c.skills) for c in self.clerks}
        policy.prepare(self.clerks, day.load)
        self.called: dict[int, float] = {}
        self.called_at: dict[int, int] = {}  # ticket -> counter number
        self.abandoned: set[int] = set()
        self.checked_in: set[int] = set()
        self.busy = 0.0
        self.duty = 0.0
        self.pred_err: list[float] = []
        self.simple_err: list[float] = []
        self.predicted: dict[int, tuple[float, float]] = {}

    def to_datetime(self, minute: float) -> datetime:
        return BASE_DATE + timedelta(minutes=minute)

    def notify(self, _event: simpy.Event | None = None) -> None:
        old, self.wake = self.wake, self.env.event()
        old.succeed()

    def arrivals(self) -> ProcessGenerator:
        env = self.env
        for t in self.day.tickets:
            if t.arrival > env.now:
                yield env.timeout(t.arrival - env.now)
            if self.predict and t.kind == "walk_in":
                self._predict(t)
            self.waiting[t.id] = t
            self.checked_in.add(t.id)
            if t.appointment is not None:
                for when in (t.appointment - self.early_call, t.appointment):
                    if when > env.now:
                        env.timeout(when - env.now).callbacks.append(self.notify)
            elif math.isfinite(t.patience):
                env.timeout(t.patience).callbacks.append(self._leaver(t.id))
            self.notify()

    def _leaver(self, tid: int) -> Callable[[simpy.Event], None]:
        def leave(_event: simpy.Event) -> None:
            self._walk_out(tid)

        return leave

    def _walk_out(self, tid: int) -> None:
        if self.waiting.pop(tid, None) is not None:
            self.abandoned.add(tid)

    def _predict(self, t: SimTicket) -> None:
        now = self.env.now
        counters = [
            CounterState(
                c.id,
                c.skills,
                c.busy_service,
                now - c.busy_since if c.busy_service else 0.0,
            )
            for c in self.clerks
            if c.on_duty
        ]
        upcoming = [
            (s, self.to_datetime(when))
            for when, s, tid in self.day.bookings
            if now <= when <= now + 120 and tid not in self.checked_in
        ]
        state = QueueState(
            now=self.to_datetime(now),
            waiting=[w.wt for w in self.waiting.values() if w.wt is not None],
            counters=counters,
            mean_minutes=self.day.mean_minutes,
            cv=self.day.cv,
            upcoming=upcoming,
            show_rate=self.day.show_rate,
        )
        ours = predict_wait(t.service, state)
        simple = simple_rule(t.service, state)
        if ours is not None and simple is not None:
            self.predicted[t.id] = (ours.total_seconds() / 60, simple.total_seconds() / 60)

    def clerk(self, c: SimClerk) -> ProcessGenerator:
        env = self.env
        last_index = len(c.segments) - 1
        for k, (start, end) in enumerate(c.segments):
            if env.now < start:
                yield env.timeout(start - env.now)
            counter, equip = self.plans[c.id].at(k)
            self._seat(c, equip)
            c.on_duty = True
            began = env.now
            closing = (k == last_index and end >= self.day.close) or end in self.day.period_ends
            while True:
                if env.now >= end and not closing:
                    break
                t = (
                    self.policy.choose(c, self.waiting.values(), env.now, self)
                    if self.waiting
                    else None
                )
                if t is None:
                    if env.now >= end:
                        break
                    yield env.any_of([self.wake, env.timeout(end - env.now)])
                    continue
                del self.waiting[t.id]
                self.called[t.id] = env.now
                self.called_at[t.id] = counter
                c.busy_service, c.busy_since = t.service, env.now
                duration = t.base_minutes / (c.skills.get(t.service, 1.0) or 1.0)
                yield env.timeout(duration)
                self.busy += duration
                c.busy_service = None
            c.on_duty = False
            self.duty += env.now - began

    def _seat(self, c: SimClerk, equip: frozenset[str] | None) -> None:
        """At a counter the clerk serves only what it is equipped for."""
        if self.policy.pooled:
            return  # the pooled reference: everybody does everything everywhere
        base = self.base_skills[c.id]
        skills = base if equip is None else {s: v for s, v in base.items() if s in equip}
        if skills is c.skills or dict(skills) == dict(c.skills):
            return
        c.skills = dict(skills)
        if c.ctx is not None:
            c.ctx = CounterContext(c.ctx.counter_id, dict(skills), c.ctx.can_assist)

    def run(self) -> DayOutcome:
        self.env.process(self.arrivals())
        for c in self.clerks:
            self.env.process(self.clerk(c))
        self.env.run(until=self.day.close + 24 * 60)
        tickets = self.day.tickets
        n = len(tickets)
        kind = np.fromiter((t.kind == "appointment" for t in tickets), dtype=np.int8, count=n)
        wait = np.full(n, np.nan)
        late = []
        pe, se = [], []
        for i, t in enumerate(tickets):
            call = self.called.get(t.id)
            if call is not None:
                wait[i] = max(call - t.clock_start, 0.0)
                if t.appointment is not None:
                    late.append(call - t.appointment)
                pred = self.predicted.get(t.id)
                if pred is not None:
                    actual = call - t.arrival
                    pe.append(abs(pred[0] - actual))
                    se.append(abs(pred[1] - actual))
        abandoned = np.fromiter((t.id in self.abandoned for t in tickets), dtype=bool, count=n)
        planned = sum(e - s for c in self.day.clerks for s, e in c.segments)
        return DayOutcome(
            policy=self.policy.name,
            day_index=self.day.day_index,
            kind=kind,
            wait=wait,
            abandoned=abandoned,
            lateness=np.asarray(late, dtype=float),
            busy_minutes=self.busy,
            duty_minutes=self.duty,
            planned_minutes=float(planned),
            pred_abs_err=np.asarray(pe, dtype=float),
            simple_abs_err=np.asarray(se, dtype=float),
            arrival=np.fromiter((t.arrival for t in tickets), dtype=float, count=n),
            appointment=np.fromiter(
                (math.nan if t.appointment is None else t.appointment for t in tickets),
                dtype=float,
                count=n,
            ),
            patience=np.fromiter((t.patience for t in tickets), dtype=float, count=n),
            service=tuple(t.service for t in tickets),
            counter=np.fromiter(
                (self.called_at.get(t.id, 0) for t in tickets), dtype=np.int32, count=n
            ),
            refused_walk_in=sum(1 for t in tickets if t.refused),
            refused_other_day=self.day.refused_other_day,
        )


def simulate_day(
    day: DayInput, policy: Policy, predict: bool = False, early_call_minutes: float = 5.0
) -> DayOutcome:
    """Run one day under one policy (the day's visitors are not changed)."""
    return _Day(day, policy, predict, early_call_minutes).run()
