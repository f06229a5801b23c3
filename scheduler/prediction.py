"""Expected wait for a new ticket, from the live state of the queue.

Public API::

    predict_wait(new_ticket_service, state, kind="walk_in") -> timedelta | None
    simple_rule(new_ticket_service, state) -> timedelta | None   # the usual estimate

``state`` is a :class:`QueueState`: the waiting tickets (``dispatch.WaitingTicket``),
the counters on duty (:class:`CounterState`: services with speed, the service in
progress and how long it has run), mean and cv of the service times, and the booked
appointments still to come. ``None`` means no counter on duty serves the service.

The prediction replays the call order the dispatcher follows (earliest clock start
first; an appointment counts from its time, minus the head start) on *all* counters
on duty, with each visit taking its mean time at that counter's speed. A visit in
progress takes its expected *remaining* time given how long it has run (lognormal mean
residual life), and booked appointments due in the meantime join the queue at their
time, weighted by the show rate. It beats "position x mean duration / counters"
because it sees which counters serve which services, long and short services ahead,
counters about to become free, and appointments that will go first.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scheduler.dispatch import APPOINTMENT, WaitingTicket, clock_starts


@dataclass(frozen=True)
class CounterState:
    counter_id: object
    services: Mapping[str, float]  # service -> speed factor
    busy_service: str | None = None
    elapsed_minutes: float = 0.0


@dataclass(frozen=True)
class QueueState:
    now: datetime
    waiting: Sequence[WaitingTicket]
    counters: Sequence[CounterState]
    mean_minutes: Mapping[str, float]
    cv: Mapping[str, float] = field(default_factory=dict)
    upcoming: Sequence[tuple[str, datetime]] = ()  # booked, not yet checked in
    show_rate: float = 1.0
    appointment_head_start_minutes: float = 2.0
    early_call_minutes: float = 5.0


def mean_residual(mean: float, cv: float, elapsed: float) -> float:
    """E[S - e | S > e] for a lognormal service time S (minutes)."""
    if elapsed <= 0:
        return mean
    if cv <= 0:
        return max(mean - elapsed, 0.0)
    s2 = math.log(1.0 + cv * cv)
    s = math.sqrt(s2)
    mu = math.log(mean) - s2 / 2.0
    z = (math.log(elapsed) - mu) / s
    survival = 0.5 * math.erfc(z / math.sqrt(2.0))
    if survival < 1e-9:
        return mean * 0.1  # far in the tail: it must be ending soon, keep it small
    partial = mean * 0.5 * math.erfc((z - s) / math.sqrt(2.0))
    return max(partial / survival - elapsed, 0.0)


def _minutes_between(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 60.0


def predict_wait(
    new_ticket_service: str, state: QueueState, kind: str = "walk_in"
) -> timedelta | None:
    """Expected time until a ticket issued now for ``new_ticket_service`` is called."""
    counters = [c for c in state.counters if c.services]
    if not any(new_ticket_service in c.services for c in counters):
        return None
    now = state.now
    head = state.appointment_head_start_minutes
    # Jobs: (due, available_from, service, work-weight, is_new); due orders the calls.
    jobs: list[tuple[float, float, int, str, float, bool]] = []
    for seq, t in enumerate(state.waiting):
        start = _minutes_between(now, clock_starts(t))
        if t.kind == APPOINTMENT and t.appointment_time is not None:
            appt = _minutes_between(now, t.appointment_time)
            jobs.append((appt - head, appt - state.early_call_minutes, seq, t.service, 1.0, False))
        else:
            jobs.append((start, -math.inf, seq, t.service, 1.0, False))
    base = len(jobs)
    for k, (service, when) in enumerate(state.upcoming):
        appt = _minutes_between(now, when)
        jobs.append((appt - head, appt, base + k, service, state.show_rate, False))
    jobs.append((0.0, 0.0, base + len(state.upcoming), new_ticket_service, 1.0, True))
    jobs.sort()

    free: list[tuple[float, int]] = []
    for i, c in enumerate(counters):
        ready = 0.0
        if c.busy_service is not None:
            mean = state.mean_minutes.get(c.busy_service, 10.0)
            speed = c.services.get(c.busy_service, 1.0) or 1.0
            ready = mean_residual(
                mean / speed, state.cv.get(c.busy_service, 0.5), c.elapsed_minutes
            )
        heapq.heappush(free, (ready, i))
    pending = jobs
    while free:
        ready, i = heapq.heappop(free)
        c = counters[i]
        pick = None
        next_avail = math.inf
        for j, (_due, avail, _seq, service, _w, _new) in enumerate(pending):
            if service not in c.services:
                continue
            if avail <= ready:
                pick = j
                break
            next_avail = min(next_avail, avail)
        if pick is None:
            if math.isfinite(next_avail):
                heapq.heappush(free, (next_avail, i))
            continue
        _due, _avail, _seq, service, weight, is_new = pending.pop(pick)
        if is_new:
            return timedelta(minutes=max(ready, 0.0))
        speed = c.services.get(service, 1.0) or 1.0
        work = state.mean_minutes.get(service, 10.0) / speed * weight
        heapq.heappush(free, (ready + work, i))
    return None


def simple_rule(new_ticket_service: str, state: QueueState) -> timedelta | None:
    """The common estimate: tickets ahead for this service x mean duration / counters."""
    serving = sum(1 for c in state.counters if new_ticket_service in c.services)
    if serving == 0:
        return None
    ahead = sum(
        1 for t in state.waiting if t.service == new_ticket_service and clock_starts(t) <= state.now
    )
    mean = state.mean_minutes.get(new_ticket_service, 10.0)
    return timedelta(minutes=ahead * mean / serving)
