"""Feeds the queue's state to the scheduler's dispatch and wait prediction.

The queue engine asks this module which ticket a free counter calls and how long a
new ticket will wait; the choice itself is the scheduler's (plain data in, plain data
out), so the simulator runs the very same code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler import dispatch as policy
from scheduler import prediction

from loket.models import (
    Counter,
    CounterService,
    Service,
    Ticket,
    TicketKind,
    TicketStatus,
)


def waiting_ticket(t: Ticket) -> policy.WaitingTicket:
    appointment = t.kind is TicketKind.APPOINTMENT and t.appointment_at is not None
    return policy.WaitingTicket(
        id=t.id, number=t.number, service=t.service.code,
        kind=policy.APPOINTMENT if appointment else policy.WALK_IN,
        # A transferred or late visitor's wait counts from wait_from; an appointment's
        # from the later of check-in and its time (the scheduler takes the later one).
        waiting_since=t.issued_at if appointment else t.wait_from,
        appointment_time=t.appointment_at if appointment else None,
        needs_assistance=t.needs_assistance,
    )


def choose_next_ticket(candidates: Sequence[Ticket], counter: Counter,
                       skills: dict[int, float], now: datetime,
                       norm: timedelta) -> Iterator[tuple[Ticket, str]]:
    """Tickets in the order this counter should try them, each with its reason.

    The scheduler picks one; if another counter takes that one first (PostgreSQL skips
    a locked row), the engine asks again without it.
    """
    by_id = {t.id: t for t in candidates}
    speeds = {t.service.code: skills.get(t.service_id, 1.0) for t in candidates}
    context = policy.CounterContext(counter_id=counter.id, services=speeds)
    rules = policy.DispatchPolicy(target=norm, limit=norm * 2)
    remaining = [waiting_ticket(t) for t in candidates]
    while remaining:
        decision = policy.choose_next(context, remaining, now, rules)
        if decision is None:
            return
        yield by_id[decision.ticket_id], decision.reason
        remaining = [w for w in remaining if w.id != decision.ticket_id]


def queue_state(session: Session, ticket: Ticket, now: datetime) -> prediction.QueueState:
    """What the prediction needs: who waits, which counters serve what, who is busy."""
    open_tickets = session.scalars(select(Ticket).where(
        Ticket.branch_id == ticket.branch_id, Ticket.day == ticket.day,
        Ticket.status.in_([TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING]),
        Ticket.id != ticket.id)).all()
    counters = session.scalars(select(Counter).where(
        Counter.branch_id == ticket.branch_id, Counter.active)).all()
    equipped: dict[int, dict[str, float]] = {c.id: {} for c in counters}
    rows = session.execute(select(CounterService.counter_id, Service.code).join(
        Service, Service.id == CounterService.service_id).where(
        CounterService.counter_id.in_(list(equipped))))
    for counter_id, code in rows:
        equipped[counter_id][code] = 1.0
    busy = {t.counter_id: t for t in open_tickets
            if t.status in (TicketStatus.CALLED, TicketStatus.SERVING) and t.counter_id}
    states = []
    for c in counters:
        current = busy.get(c.id)
        elapsed = 0.0
        if current is not None and current.started_at is not None:
            elapsed = (now - current.started_at).total_seconds() / 60
        states.append(prediction.CounterState(
            counter_id=c.id, services=equipped[c.id],
            busy_service=current.service.code if current else None, elapsed_minutes=elapsed))
    means = {s.code: float(s.duration_minutes) for s in session.scalars(select(Service))}
    waiting = [waiting_ticket(t) for t in open_tickets if t.status is TicketStatus.WAITING]
    return prediction.QueueState(now=now, waiting=waiting, counters=states, mean_minutes=means)


def predict_wait(session: Session, ticket: Ticket, now: datetime) -> timedelta | None:
    """Expected wait for a new ticket; None when no counter serves its service."""
    kind = policy.APPOINTMENT if ticket.kind is TicketKind.APPOINTMENT else policy.WALK_IN
    return prediction.predict_wait(ticket.service.code, queue_state(session, ticket, now), kind)
