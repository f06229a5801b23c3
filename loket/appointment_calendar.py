"""The appointment calendar for reception: day and week plans with free places, moving
an appointment, and closures and extra sessions of a branch.

Capacity comes through one seam, ``CAPACITY``: today it is
``loket.appointments.capacity_at`` (equipped counters minus overlapping appointments);
the scheduler's appointment capacity (``scheduler/capacity.py``) replaces it there, and
booking, the calendar and the import all follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import appointments, events, status_words
from loket.errors import NotFound, Refused
from loket.hours import describe_day, periods_on
from loket.models import (
    Appointment,
    AppointmentStatus,
    Branch,
    DayException,
    PeriodMode,
    Service,
)
from loket.tickets import Context
from loket.views import AppointmentView

CapacityFn = Callable[[Session, Branch, Service, datetime, timedelta], int]
# The seam for the scheduler's capacity (see module docstring).
CAPACITY: CapacityFn = appointments.capacity_at
SLOT_MINUTES = 15
ACTIVE = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)
MODE_NL = {
    "walk_in": "alleen zonder afspraak",
    "appointment": "alleen op afspraak",
    "mixed": "met en zonder afspraak",
}


@dataclass(frozen=True)
class CalendarAppointment(AppointmentView):
    """An appointment as reception sees it: the appointment's view plus the contact
    details and wishes (staff only)."""

    phone: str | None = None
    email: str | None = None
    notes: str | None = None
    call_by_name: bool = False
    needs_assistance: bool = False
    follow_up_of: str | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def status_nl(self) -> str:
        return status_words.APPOINTMENT.get(self.status, self.status)

    @classmethod
    def of_details(cls, a: Appointment, follow_up_of: str | None = None) -> CalendarAppointment:
        base = AppointmentView.of(a)
        return cls(
            **{f: getattr(base, f) for f in base.__dataclass_fields__},
            phone=a.phone,
            email=a.email,
            notes=a.notes,
            call_by_name=a.call_by_name,
            needs_assistance=a.needs_assistance,
            follow_up_of=follow_up_of,
        )


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    free: int  # places still bookable for the service at this start
    booked: int  # appointments (any service) starting in this slot
    past: bool = False  # already begun: not "full", just gone

    @property
    def bookable(self) -> bool:
        return self.free > 0


@dataclass(frozen=True)
class DayPlan:
    branch: str
    service: str
    day: date
    title: str  # "dinsdag 24 november"
    hours: str  # "08:30-12:30 met en zonder afspraak; 13:00-16:30 alleen op afspraak"
    closed_reason: str | None
    exception_reason: str | None  # a closure or extra session set for this day
    slots: list[Slot] = field(default_factory=list)
    appointments: list[CalendarAppointment] = field(default_factory=list)

    @property
    def free(self) -> int:
        """Start times still bookable (not places: slots of one visit overlap)."""
        return sum(1 for s in self.slots if s.free)


def _branch_appointments(
    session: Session, branch: Branch, start: datetime, end: datetime
) -> list[Appointment]:
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.branch_id == branch.id,
                Appointment.start >= start,
                Appointment.start < end,
            )
            .order_by(Appointment.start, Appointment.id)
        )
    )


def day_plan(
    session: Session,
    branch: Branch,
    service: Service,
    day: date,
    now: datetime,
    step: int = SLOT_MINUTES,
) -> DayPlan:
    """Bookable slots for one service on one day, and every appointment of the branch."""
    periods, closed = periods_on(branch, day)
    hours = "; ".join(f"{p.start:%H:%M}-{p.end:%H:%M} {MODE_NL[p.mode.value]}" for p in periods)
    duration = timedelta(minutes=service.duration_minutes)
    start_of_day = datetime.combine(day, time(0))
    booked = _branch_appointments(session, branch, start_of_day, start_of_day + timedelta(days=1))
    slots: list[Slot] = []
    for p in periods:
        if p.mode is PeriodMode.WALK_IN:
            continue
        moment = datetime.combine(day, p.start)
        end = datetime.combine(day, p.end)
        while moment + duration <= end:
            slot_end = moment + timedelta(minutes=step)
            free = (
                0 if moment < now else max(0, CAPACITY(session, branch, service, moment, duration))
            )
            count = sum(1 for a in booked if moment <= a.start < slot_end and a.status in ACTIVE)
            slots.append(Slot(moment, slot_end, free, count, past=moment < now))
            moment = slot_end
    exception = next((x.reason for x in branch.exceptions if x.day == day and x.reason), None)
    return DayPlan(
        branch=branch.code,
        service=service.code,
        day=day,
        title=describe_day(day),
        hours=hours,
        closed_reason=closed,
        exception_reason=exception,
        slots=slots,
        appointments=[CalendarAppointment.of_details(a) for a in booked],
    )


def week_plan(
    session: Session, branch: Branch, service: Service, any_day: date, now: datetime
) -> list[DayPlan]:
    """Monday to Friday of the week that holds ``any_day``."""
    monday = any_day - timedelta(days=any_day.weekday())
    return [day_plan(session, branch, service, monday + timedelta(days=i), now) for i in range(5)]


def find_today(
    session: Session, branch: Branch, query: str, now: datetime
) -> list[CalendarAppointment]:
    """Today's appointments at a branch by (part of) the name or the reference."""
    text = query.strip().lower().replace("-", "")
    start = datetime.combine(now.date(), time(0))
    rows = _branch_appointments(session, branch, start, start + timedelta(days=1))
    found = [
        a
        for a in rows
        if not text or text in (a.name or "").lower() or a.reference.lower().startswith(text[:8])
    ]
    return [CalendarAppointment.of_details(a) for a in found]


def reschedule(
    session: Session,
    ctx: Context,
    appointment: Appointment,
    new_start: datetime,
    service: Service | None = None,
) -> Appointment:
    """Move an appointment: cancel it and book the same visit anew (a new reference).

    Cancelling first frees its own place, so moving by a quarter hour within a full
    hour works; if the new booking is refused the whole transaction rolls back and the
    old appointment stays as it was.
    """
    if appointment.status is not AppointmentStatus.BOOKED:
        raise Refused("Alleen een geplande afspraak kunt u verzetten.", code="not_booked")
    old = appointment.reference
    appointments.cancel(session, ctx, appointment)
    session.flush()
    moved = appointments.book(
        session,
        ctx,
        appointment.branch,
        service or appointment.service,
        new_start,
        name=appointment.name or "",
        email=appointment.email,
        phone=appointment.phone,
        notes=appointment.notes,
        channel=appointment.channel,
        call_by_name=appointment.call_by_name,
        needs_assistance=appointment.needs_assistance,
        follow_up_of=session.get(Appointment, appointment.follow_up_of_id)
        if appointment.follow_up_of_id
        else None,
    )
    events.append(
        session,
        at=ctx.now,
        kind="appointment.rescheduled",
        actor=ctx.actor,
        branch_id=moved.branch_id,
        appointment_id=moved.id,
        data={
            "from": old,
            "to": moved.reference,
            "start": moved.start.isoformat(timespec="minutes"),
        },
    )
    return moved


# -- closures and extra sessions --------------------------------------------------------


@dataclass(frozen=True)
class DayChange:
    """The result of a closure or extra session, with the appointments to phone."""

    branch: str
    day: date
    hours: str
    affected: list[CalendarAppointment]


def _set_day(
    session: Session,
    ctx: Context,
    branch: Branch,
    day: date,
    periods: list[tuple[time, time, PeriodMode]],
    reason: str,
    kind: str,
) -> DayChange:
    branch.exceptions = [x for x in branch.exceptions if x.day != day]
    if periods:
        branch.exceptions.extend(
            DayException(day=day, start=s, end=e, mode=m, reason=reason, source="desk")
            for s, e, m in periods
        )
    else:
        branch.exceptions.append(DayException(day=day, reason=reason, source="desk"))
    session.flush()
    session.expire(branch, ["exceptions"])
    now_periods, _ = periods_on(branch, day)
    start = datetime.combine(day, time(0))
    affected = [
        CalendarAppointment.of_details(a)
        for a in _branch_appointments(session, branch, start, start + timedelta(days=1))
        if a.status is AppointmentStatus.BOOKED
        and not any(
            p.contains(a.start.time()) and p.mode is not PeriodMode.WALK_IN for p in now_periods
        )
    ]
    events.append(
        session,
        at=ctx.now,
        kind=kind,
        actor=ctx.actor,
        branch_id=branch.id,
        data={"day": day.isoformat(), "periods": len(periods), "affected": len(affected)},
    )
    hours = "; ".join(f"{p.start:%H:%M}-{p.end:%H:%M}" for p in now_periods) or "gesloten"
    return DayChange(branch=branch.code, day=day, hours=hours, affected=affected)


def close_day(session: Session, ctx: Context, branch: Branch, day: date, reason: str) -> DayChange:
    """Closed all day; booked appointments that day are listed so reception can phone."""
    if not reason.strip():
        raise Refused(
            "Schrijf op waarom de vestiging dicht is. Bezoekers zien deze reden.",
            code="reason_missing",
        )
    return _set_day(session, ctx, branch, day, [], reason.strip(), "branch.closed")


def add_session(
    session: Session,
    ctx: Context,
    branch: Branch,
    day: date,
    start: time,
    end: time,
    mode: PeriodMode,
    reason: str,
) -> DayChange:
    """An extra session on a day (e.g. Thursday morning at the library), on top of the
    normal hours of that day."""
    if end <= start:
        raise Refused(
            f"De eindtijd {end:%H:%M} moet na de begintijd {start:%H:%M} liggen.", code="times"
        )
    periods, _ = periods_on(branch, day)
    for p in periods:
        if start < p.end and p.start < end:
            raise Refused(
                f"Op {describe_day(day)} is {branch.name} al open van "
                f"{p.start:%H:%M} tot {p.end:%H:%M}. Kies een andere tijd.",
                code="overlap",
            )
    wanted = sorted([(p.start, p.end, p.mode) for p in periods] + [(start, end, mode)])
    return _set_day(
        session,
        ctx,
        branch,
        day,
        wanted,
        reason.strip() or "Extra spreekuur",
        "branch.session_added",
    )


def restore_day(session: Session, ctx: Context, branch: Branch, day: date) -> DayChange:
    """Back to the normal weekly hours for that day."""
    if not any(x.day == day for x in branch.exceptions):
        raise NotFound(f"Voor {describe_day(day)} is niets bijzonders ingesteld.")
    branch.exceptions = [x for x in branch.exceptions if x.day != day]
    session.flush()
    session.expire(branch, ["exceptions"])
    periods, _ = periods_on(branch, day)
    events.append(
        session,
        at=ctx.now,
        kind="branch.day_restored",
        actor=ctx.actor,
        branch_id=branch.id,
        data={"day": day.isoformat()},
    )
    hours = "; ".join(f"{p.start:%H:%M}-{p.end:%H:%M}" for p in periods) or "gesloten"
    return DayChange(branch=branch.code, day=day, hours=hours, affected=[])


@dataclass(frozen=True)
class SpecialDay:
    day: date
    title: str
    hours: str  # "gesloten" or the periods
    reason: str


def special_days(branch: Branch, start: date, days: int = 90) -> list[SpecialDay]:
    """Closures and extra sessions from ``start`` on, for the reception's list."""
    by_day: dict[date, list[DayException]] = {}
    for x in branch.exceptions:
        if start <= x.day < start + timedelta(days=days):
            by_day.setdefault(x.day, []).append(x)
    result = []
    for day, rows in sorted(by_day.items()):
        hours = "; ".join(
            f"{x.start:%H:%M}-{x.end:%H:%M}"
            for x in sorted(rows, key=lambda r: r.start or time(0))
            if x.start and x.end
        )
        result.append(
            SpecialDay(
                day=day,
                title=describe_day(day),
                hours=hours or "gesloten",
                reason=next((x.reason for x in rows if x.reason), ""),
            )
        )
    return result
