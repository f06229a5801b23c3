"""Feeds the queue's state to the scheduler's dispatch and wait prediction.

The queue engine asks this module which ticket a free counter calls and how long a
new ticket will wait; the choice itself is the scheduler's (plain data in, plain data
out), so the simulator runs the very same code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from loket.dispatch_policies import DEFAULT as DEFAULT_POLICY_NAME
from loket.dispatch_policies import live_policy
from loket.models import (
    Appointment,
    AppointmentStatus,
    Branch,
    Counter,
    CounterService,
    Event,
    Service,
    StaffSkill,
    StoredPlan,
    Ticket,
    TicketKind,
    TicketStatus,
)
from scheduler import dispatch as policy
from scheduler import live_prediction, prediction

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
    policy_name: str = DEFAULT_POLICY_NAME,
) -> Iterator[tuple[int, str]]:
    """Ticket ids in the order this counter should try them, each with its reason.

    The scheduler picks one; if another counter takes that one first (PostgreSQL skips
    a locked row), the engine asks again without it.
    """
    speeds = {c.waiting.service: skills.get(c.service_id, 1.0) for c in candidates}
    context = policy.CounterContext(counter_id=counter.id, services=speeds)
    rules = policy.DispatchPolicy(target=norm, limit=norm * 2)
    remaining = [c.waiting for c in candidates]
    choose = live_policy(policy_name)
    while remaining:
        decision = choose(context, remaining, now, rules)
        if decision is None:
            return
        yield decision.ticket_id, decision.reason
        remaining = [w for w in remaining if w.id != decision.ticket_id]


# Events that show a counter is in use and by whom; a status other than "available"
# (break, back office) or a logout of that colleague means nobody serves there now.
_PRESENCE_KINDS = (
    "staff.status",
    "ticket.called",
    "ticket.recalled",
    "ticket.started",
    "ticket.finished",
    "ticket.no_show",
    "ticket.parked",
    "ticket.transferred",
)


DEFAULT_SHOW_RATE = 0.9  # before the plan knows the branch's own


@dataclass(frozen=True)
class LivePrediction:
    """The expected wait of a new ticket, or why there is none."""

    seconds: int | None
    note: str | None = None  # "Nu is er niemand voor deze dienst. Verwacht vanaf 13:00."


def staffed_counters(session: Session, branch_id: int, now: datetime) -> dict[int, int | None]:
    """Counters someone serves at now: counter id -> staff id (None: the system)."""
    start = datetime.combine(now.date(), datetime.min.time())
    latest = (
        select(Event.counter_id, func.max(Event.id).label("last"))
        .where(
            Event.branch_id == branch_id,
            Event.at >= start,
            Event.counter_id.is_not(None),
            Event.kind.in_(_PRESENCE_KINDS),
        )
        .group_by(Event.counter_id)
        .subquery()
    )
    rows = session.execute(
        select(Event.id, Event.counter_id, Event.staff_id, Event.kind, Event.data).join(
            latest, latest.c.last == Event.id
        )
    ).all()
    logouts: dict[int, int] = {
        int(staff_id or 0): int(last or 0)
        for staff_id, last in session.execute(
            select(Event.staff_id, func.max(Event.id))
            .where(Event.at >= start, Event.kind == "staff.logout", Event.staff_id.is_not(None))
            .group_by(Event.staff_id)
        )
    }
    out: dict[int, int | None] = {}
    for event_id, counter_id, staff_id, kind, data in rows:
        if kind == "staff.status" and (data or {}).get("status") != "available":
            continue
        if staff_id is not None and logouts.get(staff_id, 0) > event_id:
            continue
        out[counter_id] = staff_id
    return out


def _skills(session: Session, people: set[int]) -> dict[int, dict[str, float]]:
    """Skills and speeds of the clerks at counters. A public-hall PC may not read staff
    data (PostgreSQL refuses): then every staffed counter counts at speed 1.0 for what
    it is equipped for."""
    skills: dict[int, dict[str, float]] = {s: {} for s in people}
    if not people:
        return skills
    query = (
        select(StaffSkill.staff_id, Service.code, StaffSkill.speed)
        .join(Service, Service.id == StaffSkill.service_id)
        .where(StaffSkill.staff_id.in_(list(people)))
    )
    try:
        with session.begin_nested():
            rows = session.execute(query).all()
    except DBAPIError:
        return {s: {} for s in people}
    for staff_id, code, speed in rows:
        skills[staff_id][code] = float(speed or 1.0)
    return skills


def live_state(
    session: Session,
    branch_id: int,
    day: date,
    now: datetime,
    exclude_ticket: int | None = None,
    coverage: dict[str, Any] | None = None,
) -> prediction.QueueState:
    """The simulator's view of the branch now: who waits, which counters are staffed by
    whom with which skills and speeds, who is busy, and the bookings still to come."""
    same_day = [Ticket.branch_id == branch_id, Ticket.day == day]
    if exclude_ticket is not None:
        same_day.append(Ticket.id != exclude_ticket)
    waiting = [
        c.waiting
        for c in waiting_candidates(session, *same_day, Ticket.status == TicketStatus.WAITING)
    ]
    staffed = staffed_counters(session, branch_id, now)
    equipped: dict[int, set[str]] = {c: set() for c in staffed}
    for counter_id, code in session.execute(
        select(CounterService.counter_id, Service.code)
        .join(Service, Service.id == CounterService.service_id)
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(CounterService.counter_id.in_(list(staffed)), Counter.active)
    ):
        equipped[counter_id].add(code)
    people = {s for s in staffed.values() if s is not None}
    skills = _skills(session, people)
    busy = {
        counter_id: (code, started_at or called_at)
        for counter_id, code, started_at, called_at in session.execute(
            select(Ticket.counter_id, Service.code, Ticket.started_at, Ticket.last_called_at)
            .join(Service, Service.id == Ticket.service_id)
            .where(
                *same_day,
                Ticket.counter_id.is_not(None),
                Ticket.status.in_([TicketStatus.CALLED, TicketStatus.SERVING]),
            )
        )
    }
    states = []
    for counter_id, person in staffed.items():
        own = skills.get(person, {}) if person is not None else {}
        speeds = (
            {code: own[code] for code in equipped[counter_id] if code in own}
            if own
            else dict.fromkeys(equipped[counter_id], 1.0)
        )
        current = busy.get(counter_id)
        elapsed = 0.0
        if current is not None and current[1] is not None:
            elapsed = max(0.0, (now - current[1]).total_seconds() / 60)
        states.append(
            prediction.CounterState(
                counter_id=counter_id,
                services=speeds,
                busy_service=current[0] if current else None,
                elapsed_minutes=elapsed,
            )
        )
    means = {
        code: float(m)
        for code, m in session.execute(select(Service.code, Service.duration_minutes))
    }
    upcoming = [
        (code, at)
        for code, at in session.execute(
            select(Service.code, Appointment.start)
            .join(Service, Service.id == Appointment.service_id)
            .where(
                Appointment.branch_id == branch_id,
                Appointment.status == AppointmentStatus.BOOKED,
                Appointment.start >= now - timedelta(minutes=15),
                Appointment.start < now + timedelta(hours=3),
            )
        )
    ]
    return prediction.QueueState(
        now=now,
        waiting=waiting,
        counters=states,
        mean_minutes=means,
        upcoming=upcoming,
        show_rate=float(coverage.get("show_rate", DEFAULT_SHOW_RATE))
        if coverage
        else DEFAULT_SHOW_RATE,
    )


def branch_coverage(session: Session, branch_id: int, day: date) -> dict[str, Any]:
    """The public part of the day's current plan for one branch (no names): per service
    the windows someone is rostered, and the show rate of bookings."""
    row = session.execute(
        select(StoredPlan.coverage, Branch.code)
        .join(Branch, Branch.id == branch_id)
        .where(StoredPlan.day == day)
        .order_by(StoredPlan.version.desc())
        .limit(1)
    ).first()
    if row is None:
        return {}
    coverage, code = row
    return dict((coverage or {}).get(code, {}))


def expected_from(coverage: dict[str, Any], service: str, now: datetime) -> str | None:
    """When the plan first has someone for ``service`` later today ("13:00")."""
    windows = coverage.get("services", {}).get(service, [])
    minute = now.hour * 60 + now.minute
    later = [a for a, _b in windows if a > minute]
    if not later:
        return None
    first = min(later)
    return f"{first // 60:02d}:{first % 60:02d}"


def predict_live(
    session: Session,
    branch_id: int,
    service: str,
    now: datetime,
    kind: str = policy.WALK_IN,
    exclude_ticket: int | None = None,
) -> LivePrediction:
    """Expected wait for a ticket issued now, or a plain note when nobody who does the
    service sits at a counter. Reads only: call it outside the write transaction."""
    coverage = branch_coverage(session, branch_id, now.date())
    state = live_state(session, branch_id, now.date(), now, exclude_ticket, coverage)
    wait = live_prediction.predict_wait_live(service, state, kind)
    if wait is not None:
        return LivePrediction(int(wait.total_seconds()))
    when = expected_from(coverage, service, now)
    note = "Nu is er niemand voor deze dienst."
    if when:
        note += f" Verwacht vanaf {when}."
    return LivePrediction(None, note)


def predict_wait(session: Session, ticket: Ticket, now: datetime) -> timedelta | None:
    """Expected wait for a ticket already added (check-in); None when nobody serves it."""
    kind = policy.APPOINTMENT if ticket.kind is TicketKind.APPOINTMENT else policy.WALK_IN
    seconds = predict_live(
        session, ticket.branch_id, ticket.service.code, now, kind, exclude_ticket=ticket.id
    ).seconds
    return timedelta(seconds=seconds) if seconds is not None else None
