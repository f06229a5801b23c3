"""Feeds the queue's state to the scheduler's dispatch and wait prediction.

The queue engine asks this module which ticket a free counter calls and how long a
new ticket will wait; the choice itself is the scheduler's (plain data in, plain data
out), so the simulator runs the very same code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from loket.models import (
    Counter,
    CounterService,
    Service,
    Ticket,
    TicketKind,
    TicketStatus,
)
from scheduler import dispatch as policy
from scheduler import prediction

# The columns a WaitingTicket needs, read as plain rows: building a full ORM Ticket
# (and lazy-loading its service) for every waiting visitor made "call next" and every
# issued ticket cost O(queue length) in ORM work, the largest cost under load.
_WAITING_COLUMNS = (
    Ticket.id,
    Ticket.prefix,
    Ticket.sequence,
    Ticket.service_id,
    Service.code,
    Ticket.kind,
    Ticket.issued_at,
    Ticket.wait_from,
    Ticket.appointment_at,
    Ticket.needs_assistance,
)


@dataclass(frozen=True)
class Candidate:
    """A waiting ticket as the scheduler sees it, plus its service id."""

    service_id: int
    waiting: policy.WaitingTicket


def waiting_candidates(session: Session, *conditions: ColumnElement[bool]) -> list[Candidate]:
    """Waiting tickets matching ``conditions``, without loading ORM objects."""
    rows = session.execute(
        select(*_WAITING_COLUMNS).join(Service, Service.id == Ticket.service_id).where(*conditions)
    )
    out = []
    for (
        tid,
        prefix,
        sequence,
        service_id,
        code,
        kind,
        issued_at,
        wait_from,
        appointment_at,
        needs_assistance,
    ) in rows:
        appointment = kind is TicketKind.APPOINTMENT and appointment_at is not None
        out.append(
            Candidate(
                service_id,
                policy.WaitingTicket(
                    id=tid,
                    number=f"{prefix} {sequence}",
                    service=code,
                    kind=policy.APPOINTMENT if appointment else policy.WALK_IN,
                    # An appointment's wait counts from the later of check-in and its time
                    # (the scheduler takes the later one); a late or transferred visitor's
                    # from wait_from.
                    waiting_since=issued_at if appointment else wait_from,
                    appointment_time=appointment_at if appointment else None,
                    needs_assistance=bool(needs_assistance),
                ),
            )
        )
    return out


def choose_next_id(
    candidates: Sequence[Candidate],
    counter: Counter,
    skills: dict[int, float],
    now: datetime,
    norm: timedelta,
) -> Iterator[tuple[int, str]]:
    """Ticket ids in the order this counter should try them, each with its reason.

    The scheduler picks one; if another counter takes that one first (PostgreSQL skips
    a locked row), the engine asks again without it.
    """
    speeds = {c.waiting.service: skills.get(c.service_id, 1.0) for c in candidates}
    context = policy.CounterContext(counter_id=counter.id, services=speeds)
    rules = policy.DispatchPolicy(target=norm, limit=norm * 2)
    remaining = [c.waiting for c in candidates]
    while remaining:
        decision = policy.choose_next(context, remaining, now, rules)
        if decision is None:
            return
        yield decision.ticket_id, decision.reason
        remaining = [w for w in remaining if w.id != decision.ticket_id]


def queue_state(session: Session, ticket: Ticket, now: datetime) -> prediction.QueueState:
    """What the prediction needs: who waits, which counters serve what, who is busy."""
    same_day = (
        Ticket.branch_id == ticket.branch_id,
        Ticket.day == ticket.day,
        Ticket.id != ticket.id,
    )
    waiting = [
        c.waiting
        for c in waiting_candidates(session, *same_day, Ticket.status == TicketStatus.WAITING)
    ]
    counters = session.scalars(
        select(Counter).where(Counter.branch_id == ticket.branch_id, Counter.active)
    ).all()
    equipped: dict[int, dict[str, float]] = {c.id: {} for c in counters}
    rows = session.execute(
        select(CounterService.counter_id, Service.code)
        .join(Service, Service.id == CounterService.service_id)
        .where(CounterService.counter_id.in_(list(equipped)))
    )
    for counter_id, code in rows:
        equipped[counter_id][code] = 1.0
    busy_rows = session.execute(
        select(Ticket.counter_id, Service.code, Ticket.started_at)
        .join(Service, Service.id == Ticket.service_id)
        .where(
            *same_day,
            Ticket.counter_id.is_not(None),
            Ticket.status.in_([TicketStatus.CALLED, TicketStatus.SERVING]),
        )
    )
    busy = {counter_id: (code, started_at) for counter_id, code, started_at in busy_rows}
    states = []
    for c in counters:
        current = busy.get(c.id)
        elapsed = 0.0
        if current is not None and current[1] is not None:
            elapsed = (now - current[1]).total_seconds() / 60
        states.append(
            prediction.CounterState(
                counter_id=c.id,
                services=equipped[c.id],
                busy_service=current[0] if current else None,
                elapsed_minutes=elapsed,
            )
        )
    means = {s.code: float(s.duration_minutes) for s in session.scalars(select(Service))}
    return prediction.QueueState(now=now, waiting=waiting, counters=states, mean_minutes=means)


def predict_wait(session: Session, ticket: Ticket, now: datetime) -> timedelta | None:
    """Expected wait for a new ticket; None when no counter serves its service."""
    kind = policy.APPOINTMENT if ticket.kind is TicketKind.APPOINTMENT else policy.WALK_IN
    return prediction.predict_wait(ticket.service.code, queue_state(session, ticket, now), kind)
