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

from loket.models import Counter, Ticket, TicketKind, TicketStatus


def _minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def choose_next_ticket(candidates: Sequence[Ticket], counter: Counter,
                       skills: dict[int, float], now: datetime,
                       norm: timedelta) -> Iterator[tuple[Ticket, str]]:
    """Tickets in the order this counter should try them, each with its reason."""

    def urgency(t: Ticket) -> tuple[int, float, int]:
        waited = now - t.wait_from
        if t.kind is TicketKind.APPOINTMENT and t.appointment_at and t.appointment_at > now:
            return (2, -waited.total_seconds(), t.id)  # early: waits for its slot
        over = 0 if waited > norm else 1
        speed = skills.get(t.service_id, 1.0)
        return (over, -(waited / norm) * speed, t.id)

    for ticket in sorted(candidates, key=urgency):
        waited = _minutes(now - ticket.wait_from)
        if ticket.kind is TicketKind.APPOINTMENT and ticket.appointment_at:
            reason = f"{ticket.number}: afspraak om {ticket.appointment_at:%H:%M}"
        elif now - ticket.wait_from > norm:
            reason = f"{ticket.number}: {waited} min wachten, boven de norm"
        else:
            reason = f"{ticket.number}: wacht het langst voor deze balie ({waited} min)"
        yield ticket, reason


def predict_wait(session: Session, ticket: Ticket, now: datetime) -> timedelta:
    """Expected wait for a new ticket: the work ahead of it shared by its counters."""
    ahead = session.scalars(select(Ticket).where(
        Ticket.branch_id == ticket.branch_id, Ticket.day == ticket.day,
        Ticket.status == TicketStatus.WAITING, Ticket.service_id == ticket.service_id,
        Ticket.id != ticket.id)).all()
    counters = session.scalars(select(Counter).where(
        Counter.branch_id == ticket.branch_id, Counter.active,
        Counter.services.any(id=ticket.service_id))).all()
    per_counter = max(1, len(counters))
    minutes = len(ahead) * ticket.service.duration_minutes / per_counter
    return timedelta(minutes=round(minutes))
