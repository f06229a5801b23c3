"""Which waiting ticket a free counter calls next, and why.

Public API (stable; the core queue engine calls this)::

    from scheduler.dispatch import (
        WaitingTicket, CounterContext, DispatchPolicy, Decision, choose_next,
    )

    decision = choose_next(counter, waiting, now, policy=None)
    # -> Decision(ticket_id, reason) or None when this counter has nothing to call

* ``WaitingTicket(id, number, service, kind, waiting_since, appointment_time=None,
  priority=False, needs_assistance=False)``: ``kind`` is ``"walk_in"`` or
  ``"appointment"``; ``waiting_since`` is the issue or check-in time; ``number`` is
  what the visitor holds ("A 12"). ``id`` is whatever the core uses as key.
* ``CounterContext(counter_id, services, can_assist=True)``: ``services`` maps every
  service code this counter (with the clerk logged in) may serve to the clerk's speed
  factor for it (1.0 = average, 1.3 = 30% faster). Services not in the map are never
  called here.
* ``DispatchPolicy(target, limit, appointment_head_start, early_call, priority_bonus,
  missed_yield)`` with defaults: norm 5 min, hard limit 10 min, appointments count as 2
  minutes of waiting when due, appointments may be called up to 5 minutes early when
  nothing else waits, priority tickets count as one norm of extra wait, a ticket past
  the norm yields to those that can still make it.
* ``now`` and all times are naive local datetimes (the core's clock).

Rules, in order:

1. Only tickets for services the counter serves (and needing assistance only at a
   counter that can assist).
2. Hard override: a ticket waiting at least ``limit`` goes first, the longest first,
   so nobody starves whatever the weights.
3. Otherwise the highest urgency wins among the tickets still *within* the norm
   (waited less than ``target``). Urgency = wait / target x speed factor (generalised
   c-mu: a counter that is quick at a service prefers it). The wait of an appointment
   starts at its appointment time, and counts ``appointment_head_start`` extra: a
   booking due now beats a walk-in who has waited a minute.
4. Tickets that have already waited past the norm (but not yet ``limit``) come next,
   by the same urgency (``missed_yield``). The norm counts who is called within
   ``target``: once the queue runs behind, calling the longest waiting first makes
   everyone a little late, so every visitor misses it; calling first whoever can still
   make it saves the most, and the hard limit still bounds how long the others wait.
   (benchmarks/README.md: about one point more within the norm on the tight rosters
   of busy_monday and demand_plus_20 than without this rule, on the same days.)
5. Appointments checked in early wait for their slot; a counter with nothing else to
   do may call one within ``early_call`` of its time.

Within one service and one of the orders the core keeps (walk-ins by ``waiting_since``,
due appointments by the later of check-in and slot), the key only grows with the wait
inside each band (within the norm, past it, past the limit); ``loket.clerk_sql`` relies
on that: the pick is always the longest waiting of a band.

Ties break on the earliest waiting time, then ``number`` and ``id``, so the choice is
deterministic. ``Decision.reason`` is one short line in plain Dutch for the clerk,
e.g. "A 12: 6 min wachten, boven de norm" or "B 3: afspraak om 10:15"; when someone
past the norm is passed over, it says so ("A 14: 3 min wachten, kan nog binnen de
norm: gaat voor wie er al boven zit").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

WALK_IN = "walk_in"
APPOINTMENT = "appointment"


@dataclass(frozen=True, slots=True)
class WaitingTicket:
    id: Any
    number: str
    service: str
    kind: str
    waiting_since: datetime
    appointment_time: datetime | None = None
    priority: bool = False
    needs_assistance: bool = False


@dataclass(frozen=True, slots=True)
class CounterContext:
    counter_id: Any
    services: Mapping[str, float]
    can_assist: bool = True


@dataclass(frozen=True, slots=True)
class DispatchPolicy:
    target: timedelta = timedelta(minutes=5)
    limit: timedelta = timedelta(minutes=10)
    appointment_head_start: timedelta = timedelta(minutes=2)
    early_call: timedelta = timedelta(minutes=5)
    priority_bonus: float = 1.0  # in norms of waiting
    # A ticket past the norm (below the limit) yields to those still within it.
    missed_yield: bool = True


@dataclass(frozen=True, slots=True)
class Decision:
    ticket_id: Any
    reason: str
    details: Mapping[str, float] = field(default_factory=dict)


DEFAULT_POLICY = DispatchPolicy()


def clock_starts(ticket: WaitingTicket) -> datetime:
    """When the visitor's wait counts from: issue, or the later of check-in and slot."""
    if ticket.kind == APPOINTMENT and ticket.appointment_time is not None:
        return max(ticket.waiting_since, ticket.appointment_time)
    return ticket.waiting_since


def _minutes(td: timedelta) -> int:
    return max(0, int(td.total_seconds() // 60))


def choose_next(
    counter: CounterContext,
    waiting: Sequence[WaitingTicket],
    now: datetime,
    policy: DispatchPolicy | None = None,
) -> Decision | None:
    """The ticket this counter should call now, or None. See the module docstring."""
    p = policy or DEFAULT_POLICY
    target_s = p.target.total_seconds() or 1.0
    limit_s = p.limit.total_seconds()
    head_start = p.appointment_head_start.total_seconds() / target_s
    early_s = p.early_call.total_seconds()
    services = counter.services

    best_key: tuple | None = None
    best: WaitingTicket | None = None
    best_kind = ""
    best_wait = 0.0
    missed = False  # someone waits past the norm (the pick may pass them over)
    for t in waiting:
        speed = services.get(t.service)
        if speed is None or (t.needs_assistance and not counter.can_assist):
            continue
        slot = t.appointment_time if t.kind == APPOINTMENT else None
        is_appt = slot is not None
        since = max(t.waiting_since, slot) if slot is not None else t.waiting_since
        wait = (now - since).total_seconds()
        if slot is not None and now < slot:
            ahead = (slot - now).total_seconds()
            if ahead > early_s:
                continue
            # Early: only when nothing else waits; the one due soonest first.
            key = (0, -ahead, 0.0)
            kind = "early"
        elif wait >= limit_s:
            key = (3, wait, 0.0)
            kind = "limit"
        else:
            urgency = wait / target_s * speed
            if is_appt:
                urgency += head_start * speed
            if t.priority:
                urgency += p.priority_bonus
            band = 1 if p.missed_yield and wait >= target_s else 2
            missed = missed or band == 1
            key = (band, urgency, 0.0)
            kind = "appointment" if is_appt else ("priority" if t.priority else "walk_in")
        # Deterministic tie-breaks: longer wait, then number, then id.
        full = (key[0], key[1], wait, _neg_text(t.number), _neg_text(str(t.id)))
        if best_key is None or full > best_key:
            best_key, best, best_kind, best_wait = full, t, kind, wait
    if best is None:
        return None
    reason = _reason(best, best_kind, best_wait, p)
    if missed and best_key is not None and best_key[0] == 2:
        reason += YIELDED
    return Decision(best.id, reason, {"wait_s": best_wait})


def _neg_text(s: str) -> tuple[int, ...]:
    """Sort key that prefers the *smaller* text under a max() comparison."""
    return tuple(-ord(ch) for ch in s) + (1,)


# The clerk's one line on why this ticket, per kind of pick: ``{number}`` as the visitor
# holds it, ``{mins}`` whole minutes waited, ``{time}`` the appointment's HH:MM. One
# source for the Python pick here and for the SQL pick (``loket.clerk_sql``), which
# renders the same templates in the database.
REASONS: dict[str, str] = {
    "early": "{number}: afspraak om {time}, vroeg en de balie is vrij",
    "limit": "{number}: {mins} min wachten, te lang: gaat voor",
    "appointment": "{number}: afspraak om {time}",
    "appointment_late": "{number}: afspraak om {time}, {mins} min te laat",
    "priority": "{number}: voorrang, {mins} min wachten",
    "walk_in": "{number}: {mins} min wachten",
    "walk_in_late": "{number}: {mins} min wachten, boven de norm",
}
# Added when the pick passes over someone already past the norm.
YIELDED = ", kan nog binnen de norm: gaat voor wie er al boven zit"


def reason_kind(kind: str, wait_s: float, p: DispatchPolicy) -> str:
    """The key of ``REASONS`` for a pick of ``kind`` that waited ``wait_s``."""
    if kind in ("appointment", "walk_in") and wait_s > p.target.total_seconds():
        return f"{kind}_late"
    return kind


def _reason(t: WaitingTicket, kind: str, wait_s: float, p: DispatchPolicy) -> str:
    time = f"{t.appointment_time:%H:%M}" if t.appointment_time is not None else ""
    return REASONS[reason_kind(kind, wait_s, p)].format(
        number=t.number, mins=_minutes(timedelta(seconds=wait_s)), time=time
    )
