"""The queue engine: every ticket transition, inside a transaction the caller owns.

Each operation checks its rules first and raises a ``DomainError`` in plain Dutch
before it changes anything; a raised error rolls the caller's transaction back, so an
illegal request leaves no trace. Every change appends an event in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, undefer

from loket import events, hall, limits, status_words
from loket.errors import IllegalTransition, NotFound, Refused
from loket.events import Actor
from loket.hours import describe_day, next_walk_in_opening, period_at, periods_on
from loket.models import (
    Appointment,
    AppointmentStatus,
    Branch,
    BranchService,
    Counter,
    CounterService,
    Municipality,
    NumberSequence,
    PeriodMode,
    Service,
    Staff,
    StaffSkill,
    Ticket,
    TicketKind,
    TicketStatus,
)
from loket.queue_state import LivePrediction, choose_next_id, predict_wait, waiting_candidates
from loket.views import in_sentence

OPEN_STATUSES = (
    TicketStatus.WAITING,
    TicketStatus.CALLED,
    TicketStatus.SERVING,
    TicketStatus.PARKED,
)


# Fixed lists, not free text: what is typed into the event log stays there forever, and
# a typed name would be personal data in it.
OUTCOMES = {
    "helped": "Geholpen",
    "incomplete": "Niet compleet, komt terug",
    "referred": "Doorverwezen",
    "not_helped": "Niet geholpen",
}
CALL_REASONS = {
    "appointment": "Afspraak op tijd",
    "returned": "Terug na apart zetten",
    "assistance": "Heeft hulp nodig bij deze balie",
    "colleague": "Op verzoek van een collega",
    "other": "Andere reden",
}


# Who may let a walk-in in during an appointment-only period ("system": the CLI).
LET_IN_ROLES = frozenset({"reception", "manager", "system"})


def call_reason(text: str) -> str:
    """The reason's code: a known code or label as it is; anything typed becomes "other"."""
    cleaned = text.strip()
    if cleaned in CALL_REASONS:
        return cleaned
    by_label = {label.lower(): code for code, label in CALL_REASONS.items()}
    return by_label.get(cleaned.lower(), "other")


@dataclass(frozen=True)
class Context:
    """What every operation needs besides the session: the time and who acts."""

    now: datetime
    actor: Actor


# Everything a TicketView and an event read, in the same round trip as the ticket.
TICKET_WITH_DETAILS = (
    joinedload(Ticket.service),
    joinedload(Ticket.branch),
    joinedload(Ticket.counter),
    joinedload(Ticket.appointment),
)


def settings(session: Session) -> Municipality:
    muni = session.scalar(select(Municipality))
    if muni is None:
        raise NotFound("Er is nog geen gemeente ingesteld. Voer eerst 'loket config apply' uit.")
    return muni


def get_branch(session: Session, code: str) -> Branch:
    branch = session.scalar(select(Branch).where(Branch.code == code))
    if branch is None:
        raise NotFound(f"Vestiging '{code}' bestaat niet.")
    return branch


def get_service(session: Session, code: str) -> Service:
    service = session.scalar(select(Service).where(Service.code == code, Service.active))
    if service is None:
        raise NotFound(f"Dienst '{code}' bestaat niet.")
    return service


def get_counter(session: Session, branch: Branch, number: int) -> Counter:
    limits.integer(number, "Het balienummer", 1, 9999)
    counter = session.scalar(
        select(Counter).where(
            Counter.branch_id == branch.id, Counter.number == number, Counter.active
        )
    )
    if counter is None:
        raise NotFound(f"Balie {number} bestaat niet in {branch.name}.")
    return counter


def find_ticket(
    session: Session, branch: Branch, number: str, day: date, *, lock: bool = True
) -> Ticket:
    """A ticket by its printed number ("A 12", "a12") on a day; locked (and with the
    staff's note) for a staff operation, unlocked for a public-hall PC's read."""
    cleaned = number.replace(" ", "").upper()
    prefix = cleaned.rstrip("0123456789")
    digits = cleaned[len(prefix) :]
    if not prefix or not digits or len(prefix) > 2 or len(digits) > 6:
        raise NotFound(f"'{number}' is geen ticketnummer. Een nummer ziet eruit als A 12.")
    query = (
        select(Ticket)
        .where(
            Ticket.branch_id == branch.id,
            Ticket.day == day,
            Ticket.prefix == prefix,
            Ticket.sequence == int(digits),
        )
        .options(*TICKET_WITH_DETAILS)
    )
    if lock:
        query = query.options(undefer(Ticket.transfer_note)).with_for_update(of=Ticket)
    ticket = session.scalar(query)
    if ticket is None:
        raise NotFound(f"Nummer {prefix} {int(digits)} is vandaag niet uitgegeven.")
    return ticket


def offer(session: Session, branch: Branch, service: Service) -> BranchService | None:
    return session.get(BranchService, (branch.id, service.id))


def _next_sequence(session: Session, branch: Branch, day: date, prefix: str) -> int:
    """Draw the next number atomically; the row lock lasts until commit."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    upsert: Any = insert(NumberSequence).values(branch_id=branch.id, day=day, prefix=prefix, last=1)
    stmt = upsert.on_conflict_do_update(
        index_elements=["branch_id", "day", "prefix"],
        set_={"last": NumberSequence.last + 1},
    ).returning(NumberSequence.last)
    drawn = int(session.execute(stmt).scalar_one())
    # Self-repair: a damaged counter (set back by hand, restored from an old backup)
    # must not hand out a number that exists; continue after the real highest one.
    # PostgreSQL does the same in loket_next_number (migration 0005).
    highest = session.scalar(
        select(func.coalesce(func.max(Ticket.sequence), 0)).where(
            Ticket.branch_id == branch.id, Ticket.day == day, Ticket.prefix == prefix
        )
    )
    if highest is not None and drawn <= highest:
        drawn = int(highest) + 1
        session.execute(
            update(NumberSequence)
            .where(
                NumberSequence.branch_id == branch.id,
                NumberSequence.day == day,
                NumberSequence.prefix == prefix,
            )
            .values(last=drawn)
        )
    return drawn


def _ticket_data(ticket: Ticket, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "number": ticket.number,
        "service": ticket.service.code,
        "kind": ticket.kind.value,
        "status": ticket.status.value,
    }
    data.update(extra)
    return data


def _record(session: Session, ctx: Context, kind: str, ticket: Ticket, **extra: object) -> None:
    events.append(
        session,
        at=ctx.now,
        kind=kind,
        actor=ctx.actor,
        branch_id=ticket.branch_id,
        ticket_id=ticket.id,
        appointment_id=ticket.appointment_id,
        counter_id=ticket.counter_id,
        data=_ticket_data(ticket, **extra),
    )


def predicted_seconds(
    session: Session, ctx: Context, branch: Branch, service: Service, kind: TicketKind
) -> int | None:
    """The expected wait of a ticket about to be issued (it is not in the queue yet)."""
    ticket = Ticket(branch_id=branch.id, day=ctx.now.date(), kind=kind)
    ticket.service = service
    wait = predict_wait(session, ticket, ctx.now)
    return int(wait.total_seconds()) if wait is not None else None


def _new_ticket(
    session: Session,
    ctx: Context,
    branch: Branch,
    service: Service,
    kind: TicketKind,
    *,
    wait_from: datetime,
    needs_assistance: bool,
    appointment: Appointment | None = None,
    predicted: LivePrediction | None = None,
) -> Ticket:
    """``predicted``: the wait computed before the write transaction (issue_ticket,
    check-in); without it (a caller that has none) the prediction runs here."""
    day = ctx.now.date()
    seconds = (
        predicted.seconds
        if predicted is not None
        else predicted_seconds(session, ctx, branch, service, kind)
    )
    ticket = Ticket(
        branch_id=branch.id,
        service_id=service.id,
        day=day,
        prefix=service.prefix,
        sequence=_next_sequence(session, branch, day, service.prefix),
        kind=kind,
        status=TicketStatus.WAITING,
        issued_at=ctx.now,
        wait_from=wait_from,
        appointment_at=appointment.start if appointment else None,
        needs_assistance=needs_assistance,
        appointment_id=appointment.id if appointment else None,
        call_count=0,
        predicted_wait_seconds=seconds,
        transfer_note=None,
    )
    ticket.service = service
    ticket.branch = branch
    session.add(ticket)
    session.flush()
    return ticket


def issue_walk_in(
    session: Session,
    ctx: Context,
    branch: Branch,
    service: Service,
    *,
    needs_assistance: bool = False,
    let_in: bool = False,
    predicted: LivePrediction | None = None,
) -> Ticket:
    """A walk-in number. ``let_in``: reception or a team leader lets a walk-in in during
    an appointment-only period (never the kiosk); recorded as such in the event log."""
    offered = offer(session, branch, service)
    if offered is None:
        raise Refused(
            f"{service.name_nl} kan niet in {branch.name}. Vraag bij de receptie waar dit wel kan.",
            code="not_offered",
        )
    if not offered.walk_in:
        raise Refused(
            f"Voor {in_sentence(service.name_nl)} in {branch.name} heeft u een afspraak "
            "nodig. Maak een afspraak online, via de telefoon of bij de receptie.",
            code="appointment_needed",
        )
    period = period_at(branch, ctx.now)
    if period is None:
        periods, reason = periods_on(branch, ctx.now.date())
        again = next_walk_in_opening(branch, ctx.now)
        when = ""
        if again is not None:
            day = "vandaag" if again.date() == ctx.now.date() else describe_day(again.date())
            when = f" U kunt zonder afspraak komen op {day} vanaf {again:%H:%M}."
        why = f" {reason.rstrip('.')}." if reason else ""
        raise Refused(
            f"{branch.name} is nu gesloten.{why}{when}",
            code="closed",
            params={"again": again} if again is not None else {},
        )
    let_in = let_in and period.mode is PeriodMode.APPOINTMENT
    if let_in and not ctx.actor.roles & LET_IN_ROLES:
        raise Refused(
            "Alleen de receptie of een teamleider kan iemand zonder afspraak binnenlaten.",
            code="let_in",
        )
    if period.mode is PeriodMode.APPOINTMENT and not let_in:
        raise Refused(
            f"Tot {period.end:%H:%M} helpen we alleen mensen met een afspraak. "
            "Maak een afspraak bij de receptie, online of via de telefoon.",
            code="appointment_only",
            params={"until": period.end},
        )
    if hall.uses_functions(session):
        seconds = (
            predicted.seconds
            if predicted is not None
            else predicted_seconds(session, ctx, branch, service, TicketKind.WALK_IN)
        )
        issued = hall.issue_walk_in(session, ctx, branch, service, needs_assistance, seconds)
        if let_in:
            # The function records the issue; letting in is the staff PC's own decision.
            _record(session, ctx, "ticket.let_in", issued, let_in=True)
        return issued
    ticket = _new_ticket(
        session,
        ctx,
        branch,
        service,
        TicketKind.WALK_IN,
        wait_from=ctx.now,
        needs_assistance=needs_assistance,
        predicted=predicted,
    )
    _record(
        session,
        ctx,
        "ticket.issued",
        ticket,
        predicted_wait_seconds=ticket.predicted_wait_seconds,
        needs_assistance=needs_assistance,
    )
    if let_in:
        # Counted apart, the same event as on PostgreSQL (above).
        _record(session, ctx, "ticket.let_in", ticket, let_in=True)
    return ticket


def ticket_for_appointment(
    session: Session,
    ctx: Context,
    appointment: Appointment,
    *,
    late: bool,
    predicted: LivePrediction | None = None,
) -> Ticket:
    """A checked-in appointment joins the queue; a late one as a walk-in."""
    if late:
        kind, wait_from = TicketKind.WALK_IN, ctx.now
    else:
        kind, wait_from = TicketKind.APPOINTMENT, max(ctx.now, appointment.start)
    ticket = _new_ticket(
        session,
        ctx,
        appointment.branch,
        appointment.service,
        kind,
        wait_from=wait_from,
        needs_assistance=appointment.needs_assistance,
        appointment=appointment,
        predicted=predicted,
    )
    _record(
        session,
        ctx,
        "ticket.issued",
        ticket,
        predicted_wait_seconds=ticket.predicted_wait_seconds,
        late=late,
        reference=appointment.reference,
    )
    return ticket


def _require(ticket: Ticket, *allowed: TicketStatus, action: str) -> None:
    if ticket.status not in allowed:
        raise IllegalTransition(
            f"{ticket.number} {status_words.TICKET_SENTENCE[ticket.status]}; {action} kan nu niet."
        )


def counter_services(session: Session, counter: Counter, staff: Staff | None) -> set[int]:
    ids = set(
        session.scalars(
            select(CounterService.service_id).where(CounterService.counter_id == counter.id)
        )
    )
    if staff is not None and staff.skills:
        ids &= {s.service_id for s in staff.skills}
    return ids


def busy_ticket(session: Session, counter: Counter) -> Ticket | None:
    return session.scalar(
        select(Ticket).where(
            Ticket.counter_id == counter.id,
            Ticket.status.in_([TicketStatus.CALLED, TicketStatus.SERVING]),
        )
    )


def counter_busy(counter_number: int, held: str) -> IllegalTransition:
    """The refusal when a counter still holds a ticket: one wording for every path."""
    return IllegalTransition(f"Balie {counter_number} heeft {held} nog; rond dat eerst af.")


def _ensure_free(session: Session, counter: Counter, day: date) -> None:
    # Two clerks (or a double click) at one counter: on PostgreSQL both transactions
    # would see the counter free and each call a ticket. Locking the counter row makes
    # the second wait and then see the first one's ticket. FOR NO KEY UPDATE, not FOR
    # UPDATE: event and ticket inserts that merely reference the counter (foreign-key
    # KEY SHARE locks) are not blocked. SQLite's BEGIN IMMEDIATE already serialises.
    session.execute(
        select(Counter.id).where(Counter.id == counter.id).with_for_update(key_share=True)
    )
    current = busy_ticket(session, counter)
    if current is not None and current.day == day:
        raise counter_busy(counter.number, current.number)


@contextmanager
def _held_at(session: Session, counter: Counter) -> Iterator[None]:
    """The called ticket written onto its counter. ``_ensure_free`` serialises the
    engine's calls at one counter, but the one-statement call (``loket.call_next_pg``)
    does not take that lock: the database's index (one held ticket per counter and day,
    0015) decides between the two, and the engine then refuses as the statement does,
    with the number the counter holds. SQLite's BEGIN IMMEDIATE lets no second call in."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError as exc:
        if "uq_ticket_counter_holds_one" not in str(exc.orig):
            raise
        with session.no_autoflush:
            held = busy_ticket(session, counter)
        raise counter_busy(counter.number, held.number if held else "een ander nummer") from exc


def _staff(session: Session, ctx: Context) -> Staff | None:
    return session.get(Staff, ctx.actor.staff_id) if ctx.actor.staff_id else None


def _mark_called(
    session: Session,
    ctx: Context,
    ticket: Ticket,
    counter: Counter,
    reason: str,
    label: str | None = None,
) -> Ticket:
    with _held_at(session, counter):
        ticket.status = TicketStatus.CALLED
        ticket.counter_id = counter.id
        ticket.counter = counter
        ticket.staff_id = ctx.actor.staff_id
        ticket.call_count += 1
        ticket.last_called_at = ctx.now
        if ticket.first_called_at is None:
            ticket.first_called_at = ctx.now
    waited = int((ctx.now - ticket.wait_from).total_seconds())
    _record(
        session,
        ctx,
        "ticket.called",
        ticket,
        counter=counter.number,
        call_count=ticket.call_count,
        waited_seconds=max(0, waited),
        predicted_wait_seconds=ticket.predicted_wait_seconds,
        reason=reason,
        manual=label is not None,
    )
    return ticket


def call_next(
    session: Session, ctx: Context, branch: Branch, counter: Counter
) -> tuple[Ticket | None, str]:
    """Call the most urgent ticket this counter (and its staff) may serve."""
    _ensure_free(session, counter, ctx.now.date())
    services = counter_services(session, counter, _staff(session, ctx))
    if not services:
        return None, f"Balie {counter.number} is voor geen enkele dienst ingericht."
    candidates = waiting_candidates(
        session,
        Ticket.branch_id == branch.id,
        Ticket.day == ctx.now.date(),
        Ticket.status == TicketStatus.WAITING,
        Ticket.service_id.in_(services),
        or_(Ticket.target_counter_id.is_(None), Ticket.target_counter_id == counter.id),
    )
    skills = {}
    if ctx.actor.staff_id:
        skills = {
            k.service_id: k.speed
            for k in session.scalars(
                select(StaffSkill).where(StaffSkill.staff_id == ctx.actor.staff_id)
            )
        }
    muni = settings(session)
    norm = timedelta(minutes=muni.wait_norm_minutes)
    taken_by_others = False
    for ticket_id, reason in choose_next_id(
        candidates, counter, skills, ctx.now, norm, muni.dispatch_policy
    ):
        # One statement locks and loads the chosen ticket. PostgreSQL: another counter
        # may hold it (SKIP LOCKED gives nothing) or have called it since our read (READ
        # COMMITTED re-checks the status on the newest version): then try the next one.
        # populate_existing: the row as locked, never a stale copy from this session.
        # NO KEY UPDATE is enough for a status change and does not block foreign-key
        # checks of event inserts. SQLite emits no FOR UPDATE: BEGIN IMMEDIATE has
        # already made the read above and this write one serial step.
        ticket = session.scalar(
            select(Ticket)
            .where(
                Ticket.id == ticket_id,
                Ticket.status == TicketStatus.WAITING,
            )
            .options(undefer(Ticket.transfer_note))
            .with_for_update(skip_locked=True, key_share=True)
            .execution_options(populate_existing=True)
        )
        if ticket is None:
            taken_by_others = True
            continue
        return _mark_called(session, ctx, ticket, counter, reason), reason
    if taken_by_others:
        return None, "Andere balies roepen de wachtenden net op. Probeer het zo nog eens."
    due = [c.waiting.appointment_time for c in candidates if c.waiting.appointment_time]
    return None, nobody_to_call(min(due) if due else None)


def nobody_to_call(next_appointment: datetime | None) -> str:
    """Why "call next" called nobody: the engine's words, and the fast path's."""
    if next_appointment is not None:
        return (
            "Er is nu niemand aan de beurt. "
            f"De eerstvolgende afspraak is om {next_appointment:%H:%M}."
        )
    return "Er wacht niemand voor deze balie."


def call_ticket(
    session: Session, ctx: Context, ticket: Ticket, counter: Counter, reason: str
) -> Ticket:
    """Call a specific ticket, e.g. a visitor who needs this clerk; the reason is logged."""
    _require(ticket, TicketStatus.WAITING, TicketStatus.PARKED, action="oproepen")
    if ticket.branch_id != counter.branch_id:
        raise IllegalTransition(f"{ticket.number} hoort bij een andere vestiging.")
    _ensure_free(session, counter, ctx.now.date())
    if not reason.strip():
        raise IllegalTransition("Geef een reden op als u een bepaald nummer oproept.")
    code = call_reason(reason)
    return _mark_called(session, ctx, ticket, counter, code, label=CALL_REASONS[code])


def recall(session: Session, ctx: Context, ticket: Ticket) -> Ticket:
    _require(ticket, TicketStatus.CALLED, action="opnieuw oproepen")
    ticket.call_count += 1
    ticket.last_called_at = ctx.now
    _record(
        session,
        ctx,
        "ticket.recalled",
        ticket,
        counter=ticket.counter.number if ticket.counter else None,
        call_count=ticket.call_count,
    )
    return ticket


def start(session: Session, ctx: Context, ticket: Ticket) -> Ticket:
    _require(ticket, TicketStatus.CALLED, action="beginnen")
    ticket.status = TicketStatus.SERVING
    ticket.started_at = ctx.now
    ticket.staff_id = ctx.actor.staff_id or ticket.staff_id
    _record(session, ctx, "ticket.started", ticket)
    return ticket


def finish(session: Session, ctx: Context, ticket: Ticket, outcome: str = "helped") -> Ticket:
    _require(ticket, TicketStatus.SERVING, action="afronden")
    if outcome not in OUTCOMES:
        raise IllegalTransition(f"Onbekende uitkomst '{outcome}'. Kies uit: {', '.join(OUTCOMES)}.")
    ticket.status = TicketStatus.DONE
    ticket.finished_at = ctx.now
    ticket.outcome = outcome
    served = int((ctx.now - (ticket.started_at or ctx.now)).total_seconds())
    if ticket.appointment is not None:
        ticket.appointment.status = AppointmentStatus.COMPLETED
    _record(session, ctx, "ticket.finished", ticket, outcome=outcome, served_seconds=served)
    return ticket


def no_show(session: Session, ctx: Context, ticket: Ticket) -> Ticket:
    _require(ticket, TicketStatus.CALLED, action="niet gekomen melden")
    max_calls = settings(session).max_calls
    if ticket.call_count < max_calls:
        left = max_calls - ticket.call_count
        raise IllegalTransition(
            f"{ticket.number} is {ticket.call_count} keer opgeroepen. Roep nog {left} keer op "
            "voordat u 'niet gekomen' kiest."
        )
    ticket.status = TicketStatus.NO_SHOW
    ticket.finished_at = ctx.now
    ticket.outcome = "no_show"
    if ticket.appointment is not None:
        ticket.appointment.status = AppointmentStatus.NO_SHOW
    _record(session, ctx, "ticket.no_show", ticket, call_count=ticket.call_count)
    return ticket


def park(session: Session, ctx: Context, ticket: Ticket, note: str = "") -> Ticket:
    _require(ticket, TicketStatus.CALLED, TicketStatus.SERVING, action="apart zetten")
    note = limits.text(note, "De notitie", limits.TICKET_NOTE, lines=True) or ""
    ticket.status = TicketStatus.PARKED
    ticket.transfer_note = note or ticket.transfer_note
    _record(session, ctx, "ticket.parked", ticket)
    return ticket


def transfer(
    session: Session,
    ctx: Context,
    ticket: Ticket,
    *,
    service: Service | None = None,
    counter: Counter | None = None,
    note: str = "",
) -> Ticket:
    """Back to waiting with the same number, for another service or counter."""
    _require(ticket, TicketStatus.SERVING, TicketStatus.CALLED, action="doorsturen")
    note = limits.text(note, "De notitie", limits.TICKET_NOTE, lines=True) or ""
    if service is None and counter is None:
        raise IllegalTransition("Kies een dienst of een balie om naar door te sturen.")
    branch = ticket.branch
    if service is not None and offer(session, branch, service) is None:
        raise IllegalTransition(f"{service.name_nl} kan niet in {branch.name}.")
    if counter is not None:
        if counter.branch_id != ticket.branch_id:
            raise IllegalTransition(f"Balie {counter.number} is in een andere vestiging.")
        target_service = service or ticket.service
        if target_service.id not in counter_services(session, counter, None):
            raise IllegalTransition(
                f"Balie {counter.number} is niet ingericht voor {target_service.name_nl}."
            )
    from_counter = ticket.counter.number if ticket.counter else None
    if service is not None:
        ticket.service_id = service.id
        ticket.service = service
    ticket.target_counter_id = counter.id if counter else None
    ticket.status = TicketStatus.WAITING
    ticket.counter_id = None
    ticket.counter = None
    ticket.started_at = None
    ticket.call_count = 0
    # The visitor has already waited once; their place counts from the transfer.
    ticket.wait_from = ctx.now
    ticket.transfer_note = note or None
    _record(
        session,
        ctx,
        "ticket.transferred",
        ticket,
        from_counter=from_counter,
        to_counter=counter.number if counter else None,
    )
    return ticket


def cancel(session: Session, ctx: Context, ticket: Ticket) -> Ticket:
    _require(ticket, TicketStatus.WAITING, TicketStatus.PARKED, action="annuleren")
    ticket.status = TicketStatus.CANCELLED
    ticket.finished_at = ctx.now
    _record(session, ctx, "ticket.cancelled", ticket)
    return ticket


def waiting_tickets(session: Session, branch: Branch, day: date) -> list[Ticket]:
    return list(
        session.scalars(
            select(Ticket)
            .where(
                Ticket.branch_id == branch.id,
                Ticket.day == day,
                Ticket.status.in_(OPEN_STATUSES),
            )
            .order_by(Ticket.wait_from, Ticket.id)
        )
    )


def recent_calls(session: Session, branch: Branch, day: date, limit: int = 6) -> list[Ticket]:
    return list(
        session.scalars(
            select(Ticket)
            .where(
                Ticket.branch_id == branch.id,
                Ticket.day == day,
                Ticket.last_called_at.is_not(None),
                Ticket.status.in_([TicketStatus.CALLED, TicketStatus.SERVING]),
            )
            .order_by(Ticket.last_called_at.desc(), Ticket.id.desc())
            .limit(limit)
        )
    )


def record_printed(session: Session, ctx: Context, ticket: Ticket) -> bool:
    """Mark ``ticket`` as given out on paper; False when it already was."""
    if hall.uses_functions(session):
        return hall.ticket_printed(session, ctx, ticket)
    changed = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.printed.is_(False))
        .values(printed=True)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(changed, "rowcount", 0))
