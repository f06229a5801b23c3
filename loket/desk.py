"""What a counter workstation reads: its queues at a glance and the visitor at the desk.

"U bent geen nummer": the clerk sees the name of an appointment to greet the visitor
personally, what they were asked to bring and any note, before and after calling.
These views carry personal data and are built for staff with the "serve" permission
only; they never go into events or logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import tickets
from loket.models import (
    Appointment,
    AppointmentStatus,
    Branch,
    Counter,
    Service,
    Ticket,
    TicketStatus,
)
from loket.views import TicketView

DUE_WINDOW = timedelta(minutes=60)  # appointments shown as "due" this far ahead


@dataclass(frozen=True)
class Visitor:
    """The visitor behind a ticket, for a personal welcome."""

    ticket: TicketView
    service_name: str
    bring: str
    name: str | None  # appointments only
    call_by_name: bool
    appointment_at: datetime | None
    reference: str | None
    notes: str | None  # from the booking
    transfer_note: str | None  # from a colleague
    needs_assistance: bool
    phone: str | None = None
    email: str | None = None

    @classmethod
    def of(cls, t: Ticket, reason: str | None = None) -> Visitor:
        a = t.appointment
        return cls(
            ticket=TicketView.of(t, reason),
            service_name=t.service.name_nl,
            bring=t.service.bring_nl,
            name=a.name if a else None,
            call_by_name=bool(a and a.call_by_name),
            appointment_at=a.start if a else None,
            reference=a.reference if a else None,
            notes=a.notes if a else None,
            transfer_note=t.transfer_note,
            needs_assistance=t.needs_assistance,
            phone=a.phone if a else None,
            email=a.email if a else None,
        )


@dataclass(frozen=True)
class ServiceQueue:
    service: str
    service_name: str
    prefix: str
    waiting: int
    longest_wait_minutes: int
    appointments_due: int  # booked, not yet here, starting within the hour (or just late)


@dataclass(frozen=True)
class CounterOverview:
    branch: str
    counter: int
    now: datetime
    norm_minutes: int
    queues: list[ServiceQueue]
    current: Visitor | None
    parked: list[TicketView] = field(default_factory=list)
    # Calls before "niet gekomen" is allowed ([municipality] max_calls): shown beforehand.
    max_calls: int = 3

    @property
    def waiting(self) -> int:
        return sum(q.waiting for q in self.queues)

    @property
    def longest_wait_minutes(self) -> int:
        return max((q.longest_wait_minutes for q in self.queues), default=0)


def overview(
    session: Session, branch: Branch, counter: Counter, staff_id: int | None, now: datetime
) -> CounterOverview:
    from loket.models import Staff

    staff = session.get(Staff, staff_id) if staff_id else None
    service_ids = tickets.counter_services(session, counter, staff)
    services = sorted(
        (s for s in session.scalars(select(Service).where(Service.id.in_(service_ids)))),
        key=lambda s: s.prefix,
    )
    waiting = [
        t
        for t in tickets.waiting_tickets(session, branch, now.date())
        if t.status is TicketStatus.WAITING
        and t.service_id in service_ids
        and t.target_counter_id in (None, counter.id)
    ]
    late = timedelta(minutes=tickets.settings(session).late_minutes)
    due = list(
        session.scalars(
            select(Appointment).where(
                Appointment.branch_id == branch.id,
                Appointment.status == AppointmentStatus.BOOKED,
                Appointment.service_id.in_(service_ids),
                Appointment.start >= now - late,
                Appointment.start <= now + DUE_WINDOW,
            )
        )
    )
    queues = []
    for s in services:
        mine = [t for t in waiting if t.service_id == s.id]
        waits = [max(0, int((now - t.wait_from).total_seconds() // 60)) for t in mine]
        queues.append(
            ServiceQueue(
                service=s.code,
                service_name=s.name_nl,
                prefix=s.prefix,
                waiting=len(mine),
                longest_wait_minutes=max(waits, default=0),
                appointments_due=sum(1 for a in due if a.service_id == s.id),
            )
        )
    busy = tickets.busy_ticket(session, counter)
    current = Visitor.of(busy) if busy is not None and busy.day == now.date() else None
    parked = list(
        session.scalars(
            select(Ticket)
            .where(
                Ticket.counter_id == counter.id,
                Ticket.day == now.date(),
                Ticket.status == TicketStatus.PARKED,
            )
            .order_by(Ticket.id)
        )
    )
    return CounterOverview(
        branch=branch.code,
        counter=counter.number,
        now=now,
        norm_minutes=tickets.settings(session).wait_norm_minutes,
        queues=queues,
        current=current,
        parked=[TicketView.of(t) for t in parked],
        max_calls=tickets.settings(session).max_calls,
    )
