"""Appointments: booking, cancelling and checking in with a code or a short code."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import capacity, codes, events, hall, limits, staff, tickets
from loket.errors import IllegalTransition, NotFound, Refused
from loket.hours import describe_day, periods_on
from loket.language import shipped
from loket.models import (
    Appointment,
    AppointmentStatus,
    Branch,
    PeriodMode,
    Service,
    SigningKey,
    Ticket,
    TicketKind,
)
from loket.queue_state import LivePrediction, predict_live
from loket.tickets import Context
from loket.views import in_sentence
from scheduler import dispatch as policy

CHANNELS = ("phone", "counter", "online", "import")
# One @, something before it, a dot in the part after it: catches typing slips, no more.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def code_keys(session: Session, now: datetime) -> codes.CodeKeys:
    """The signing keys, created on first use so a new database needs no secret file."""
    rows = list(session.scalars(select(SigningKey).where(SigningKey.purpose == "code")))
    if not rows:
        row = SigningKey(
            purpose="code", key_id=1, secret=codes.generate_key(), created_at=now, current=True
        )
        session.add(row)
        session.flush()
        rows = [row]
    current = max((r for r in rows if r.current), key=lambda r: r.key_id, default=rows[-1])
    return codes.CodeKeys(current_key_id=current.key_id, keys={r.key_id: r.secret for r in rows})


def card_key(session: Session, now: datetime) -> bytes:
    row = session.get(SigningKey, ("card", 1))
    if row is None:
        row = SigningKey(
            purpose="card", key_id=1, secret=codes.generate_key(), created_at=now, current=True
        )
        session.add(row)
        session.flush()
    return row.secret


def _data(appointment: Appointment, **extra: object) -> dict[str, object]:
    # Reference, service and time only: never the resident's name or contact data.
    data: dict[str, object] = {
        "reference": appointment.reference,
        "service": appointment.service.code,
        "start": appointment.start.isoformat(timespec="minutes"),
        "status": appointment.status.value,
    }
    data.update(extra)
    return data


def _record(
    session: Session, ctx: Context, kind: str, appointment: Appointment, **extra: object
) -> None:
    events.append(
        session,
        at=ctx.now,
        kind=kind,
        actor=ctx.actor,
        branch_id=appointment.branch_id,
        appointment_id=appointment.id,
        data=_data(appointment, **extra),
    )


def capacity_at(
    session: Session, branch: Branch, service: Service, start: datetime, duration: timedelta
) -> int:
    """Bookings of ``service`` that still fit at ``start`` (loket/capacity.py)."""
    return capacity.free_at(session, branch, service, start, duration)


def book(
    session: Session,
    ctx: Context,
    branch: Branch,
    service: Service,
    start: datetime,
    *,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    notes: str | None = None,
    channel: str = "counter",
    call_by_name: bool = False,
    needs_assistance: bool = False,
    follow_up_of: Appointment | None = None,
    override: str | None = None,
    language: str = "nl",
) -> Appointment:
    """Book on the slot grid within the plan's capacity; ``override`` (a team leader,
    a reason code from ``capacity.OVERRIDE_REASONS``) books beyond the capacity."""
    if not isinstance(name, str) or not name.strip():
        raise Refused("Vul de naam in van wie de afspraak is.", code="name_missing")
    # The same limits on SQLite and PostgreSQL, before any SQL (loket/limits.py).
    name = limits.text(name, "De naam", limits.NAME, required=True) or ""
    email = limits.email(email)
    phone = limits.phone(phone)
    notes = limits.text(notes, "De opmerking", limits.NOTES, lines=True)
    start = limits.appointment_start(start, ctx.now)
    if channel not in CHANNELS:
        raise Refused(f"Onbekend kanaal '{channel}'.", code="channel")
    if language not in shipped():
        raise Refused(f"Onbekende taal '{language}' voor de brief.", code="language")
    if email and email.strip() and not EMAIL.fullmatch(email.strip()):
        raise Refused(
            f"Het e-mailadres '{email.strip()}' klopt niet. Een e-mailadres ziet eruit als "
            "naam@voorbeeld.nl. Verbeter het of laat het leeg.",
            code="email",
        )
    offered = tickets.offer(session, branch, service)
    if offered is None or not offered.appointment:
        raise Refused(
            f"Voor {in_sentence(service.name_nl)} kunt u in {branch.name} geen afspraak maken.",
            code="not_offered",
        )
    if start < ctx.now:
        raise Refused("Dit tijdstip is al voorbij. Kies een tijd in de toekomst.", code="past")
    duration = timedelta(minutes=service.duration_minutes)
    periods, reason = periods_on(branch, start.date())
    period = next((p for p in periods if p.contains(start.time())), None)
    if period is None:
        why = f" {reason.rstrip('.')}." if reason else ""
        raise Refused(
            f"{branch.name} is op {describe_day(start.date())} om {start:%H:%M} gesloten.{why}",
            code="closed",
        )
    if period.mode is PeriodMode.WALK_IN:
        raise Refused(
            f"Van {period.start:%H:%M} tot {period.end:%H:%M} is {branch.name} alleen "
            "open zonder afspraak.",
            code="walk_in_only",
        )
    if (start + duration).time() > period.end:
        raise Refused(
            f"De afspraak duurt {service.duration_minutes} minuten en past niet meer "
            f"voor {period.end:%H:%M}. Kies een eerdere tijd.",
            code="too_late",
        )
    if not capacity.on_grid(branch, start):
        before, after = capacity.grid_neighbours(branch, start)
        raise Refused(
            f"Afspraken beginnen om de {capacity.GRID_MINUTES} minuten. {start:%H:%M} kan "
            "niet: kies "
            f"{before:%H:%M} of {after:%H:%M}.",
            code="off_grid",
        )
    if override is not None:
        staff.require(ctx.actor, "override_capacity")
        if override not in capacity.OVERRIDE_REASONS:
            raise Refused(
                "Kies een reden uit de lijst om boven de planning te boeken.", code="override"
            )
    elif capacity_at(session, branch, service, start, duration) <= 0:
        free = capacity.free_times(session, branch, service, start, ctx.now)
        if free:
            hint = f" Wel vrij: {capacity.describe_times(free, start.date())}."
        else:
            hint = " De komende dagen is er geen tijd vrij; vraag een teamleider."
        raise Refused(
            f"Om {start:%H:%M} is er geen plek meer voor {in_sentence(service.name_nl)}.{hint}",
            code="full",
        )
    reference = codes.new_reference()
    while session.scalar(select(Appointment.id).where(Appointment.reference == reference)):
        reference = codes.new_reference()
    appointment = Appointment(
        reference=reference,
        branch_id=branch.id,
        service_id=service.id,
        start=start,
        duration_minutes=service.duration_minutes,
        status=AppointmentStatus.BOOKED,
        channel=channel,
        created_at=ctx.now,
        call_by_name=call_by_name,
        needs_assistance=needs_assistance,
        follow_up_of_id=follow_up_of.id if follow_up_of else None,
        name=name.strip(),
        email=(email or "").strip() or None,
        phone=(phone or "").strip() or None,
        notes=(notes or "").strip() or None,
        language=language,
    )
    appointment.branch = branch
    appointment.service = service
    session.add(appointment)
    session.flush()
    _record(
        session,
        ctx,
        "appointment.booked",
        appointment,
        channel=channel,
        follow_up=bool(follow_up_of),
        **({"override": override} if override is not None else {}),
    )
    return appointment


def get_by_reference(session: Session, reference: str, *, lock: bool = True) -> Appointment:
    query = select(Appointment).where(Appointment.reference == reference.strip().upper())
    appointment = session.scalar(query.with_for_update() if lock else query)
    if appointment is None:
        raise NotFound(f"Afspraak {reference} bestaat niet.")
    return appointment


def cancel(session: Session, ctx: Context, appointment: Appointment) -> Appointment:
    if appointment.status is not AppointmentStatus.BOOKED:
        raise IllegalTransition("Deze afspraak kan niet meer worden geannuleerd.")
    appointment.status = AppointmentStatus.CANCELLED
    _record(session, ctx, "appointment.cancelled", appointment)
    return appointment


def make_codes(session: Session, appointment: Appointment, now: datetime) -> tuple[str, str]:
    """The code for the QR and the short code a person can type."""
    keys = code_keys(session, now)
    return (
        codes.make_code(appointment.reference, appointment.start.date(), keys),
        codes.make_short_code(appointment.reference),
    )


def resolve_code(session: Session, text: str, now: datetime, *, lock: bool = True) -> Appointment:
    """The appointment behind a scanned code or a typed short code, or a CodeError.
    ``lock=False`` reads without locking (the prediction before the write)."""
    try:
        reference = codes.read_short_code(text)
    except codes.ShortCodeTypo:
        raise
    except codes.CodeUnreadable:
        try:
            payload = codes.read_code(text, code_keys(session, now), now.date())
        except codes.CodeExpired as expired:
            # A genuine code of a past day: say which service, so a number can follow.
            past = session.scalar(
                select(Appointment).where(Appointment.reference == expired.reference)
            )
            if expired.reference and past is not None:
                expired.service = past.service.code
            raise
        reference = payload.reference
    query = select(Appointment).where(Appointment.reference == reference)
    # PostgreSQL: loket_check_in locks the row itself (a kiosk may not lock it).
    if lock and not hall.uses_functions(session):
        query = query.with_for_update()
    appointment = session.scalar(query)
    if appointment is None:
        raise codes.CodeInvalid()
    return appointment


def predict_check_in(
    session: Session, appointment: Appointment, now: datetime
) -> LivePrediction | None:
    """Reads only: the expected wait of the ticket this appointment gets when it checks
    in now (a late one as a walk-in), or None when it cannot check in now. The service
    calls it in a read transaction before the write, like issuing a walk-in ticket."""
    if appointment.status is not AppointmentStatus.BOOKED or appointment.start.date() != now.date():
        return None
    late = now > appointment.start + timedelta(minutes=tickets.settings(session).late_minutes)
    kind = policy.WALK_IN if late else policy.APPOINTMENT
    return predict_live(session, appointment.branch_id, appointment.service.code, now, kind)


def check_in(
    session: Session,
    ctx: Context,
    appointment: Appointment,
    *,
    branch: Branch | None = None,
    predicted: LivePrediction | None = None,
    early_ok: bool = False,
) -> tuple[Ticket, str]:
    """Check in; returns the ticket and a plain-Dutch message for the visitor.
    ``predicted``: the wait computed before the write transaction (predict_check_in).
    ``early_ok``: reception lets a visitor in before the check-in window opens (the
    event records that it was let in early, and by whom)."""
    settings = tickets.settings(session)
    if branch is not None and appointment.branch_id != branch.id:
        raise codes.CodeWrongBranch(appointment.branch.name)
    if appointment.status in (AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED):
        raise codes.CodeAlreadyUsed()
    if appointment.status is AppointmentStatus.CANCELLED:
        raise Refused(
            "Deze afspraak is geannuleerd. De receptie helpt u graag verder.", code="cancelled"
        )
    if appointment.status is AppointmentStatus.NO_SHOW:
        raise Refused(
            "De tijd van deze afspraak is voorbij. De receptie helpt u graag verder.",
            code="expired",
            service=appointment.service.code,
        )
    if appointment.start.date() != ctx.now.date():
        if appointment.start.date() < ctx.now.date():
            raise codes.CodeExpired(
                appointment.start.date(), ctx.now.date(), service=appointment.service.code
            )
        raise codes.CodeWrongDay(appointment.start.date(), ctx.now.date())
    earliest = appointment.start - timedelta(minutes=settings.early_checkin_minutes)
    early = ctx.now < earliest
    if early and not early_ok:
        raise Refused(
            f"U bent te vroeg. Uw afspraak is om {appointment.start:%H:%M}. "
            f"U kunt inchecken vanaf {earliest:%H:%M}.",
            code="too_early",
            params={"time": appointment.start.time(), "start": earliest.time()},
            service=appointment.service.code,
        )
    late = ctx.now > appointment.start + timedelta(minutes=settings.late_minutes)
    if hall.uses_functions(session):
        kind = TicketKind.WALK_IN if late else TicketKind.APPOINTMENT
        seconds = (
            predicted.seconds
            if predicted is not None
            else tickets.predicted_seconds(
                session, ctx, appointment.branch, appointment.service, kind
            )
        )
        ticket = hall.check_in(session, ctx, appointment, branch, seconds, early=early)
    else:
        appointment.status = AppointmentStatus.CHECKED_IN
        appointment.checked_in_at = ctx.now
        _record(session, ctx, "appointment.checked_in", appointment, late=late)
        ticket = tickets.ticket_for_appointment(
            session, ctx, appointment, late=late, predicted=predicted
        )
    if early and not hall.uses_functions(session):
        # Let in before the check-in window by reception: on record, with who did it
        # (on PostgreSQL loket_let_in_early records it).
        _record(session, ctx, "appointment.let_in_early", appointment)
    if late:
        message = (
            "U bent te laat voor uw afspraak. U krijgt een gewoon nummer en wacht op uw beurt."
        )
    elif ctx.now < appointment.start:
        message = f"Welkom, u bent ingecheckt. Uw afspraak is om {appointment.start:%H:%M}."
    else:
        message = "Welkom, u bent ingecheckt."
    return ticket, message


def expire_missed(session: Session, ctx: Context) -> int:
    """Booked appointments whose late window has passed become no-shows."""
    late = timedelta(minutes=tickets.settings(session).late_minutes)
    missed = list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.status == AppointmentStatus.BOOKED, Appointment.start < ctx.now - late
            )
            .with_for_update()
        )
    )
    for appointment in missed:
        appointment.status = AppointmentStatus.NO_SHOW
        _record(session, ctx, "appointment.no_show", appointment)
    return len(missed)
