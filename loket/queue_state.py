"""Feeds the queue's state to the scheduler's dispatch and wait prediction.

The queue engine asks this module which ticket a free counter calls and how long a
new ticket will wait; the choice itself is the scheduler's (plain data in, plain data
out), so the simulator runs the very same code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    func,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from loket import live_reads, live_reads_sqlite, waiting_list
from loket.dispatch_policies import DEFAULT as DEFAULT_POLICY_NAME
from loket.dispatch_policies import live_policy
from loket.models import (
    Appointment,
    AppointmentStatus,
    Branch,
    Counter,
    CounterService,
    Event,
    Municipality,
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


def waiting_ticket(
    tid: int,
    prefix: str,
    sequence: int,
    code: str,
    appointment: bool,
    issued_at: datetime,
    wait_from: datetime,
    appointment_at: datetime | None,
    needs_assistance: bool | None,
) -> policy.WaitingTicket:
    """A waiting ticket as the scheduler sees it. An appointment's wait counts from the
    later of check-in and its time (the scheduler takes the later one); a late or
    transferred visitor's from ``wait_from``."""
    return policy.WaitingTicket(
        id=tid,
        number=f"{prefix} {sequence}",
        service=code,
        kind=policy.APPOINTMENT if appointment else policy.WALK_IN,
        waiting_since=issued_at if appointment else wait_from,
        appointment_time=appointment_at if appointment else None,
        needs_assistance=bool(needs_assistance),
    )


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
                waiting_ticket(
                    tid,
                    prefix,
                    sequence,
                    code,
                    appointment,
                    issued_at,
                    wait_from,
                    appointment_at,
                    needs_assistance,
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
_PRESENCE_KINDS = live_reads.PRESENCE_KINDS


DEFAULT_SHOW_RATE = 0.9  # before the plan knows the branch's own


@dataclass(frozen=True)
class LivePrediction:
    """The expected wait of a new ticket, or why there is none."""

    seconds: int | None
    note: str | None = None  # "Nu is er niemand voor deze dienst. Verwacht vanaf 13:00."
    expected_from: str | None = None  # "13:00": when the plan first has someone for it


# The live prediction's reads, built once: constructing a SQLAlchemy statement costs
# more than SQLite takes to run it (coercing every column and condition), and the
# prediction runs for every ticket issued. They run on the session's connection
# (Core, no ORM objects); values go in as bound parameters.


# The few others in full: appointments waiting with a time (by id), and the visits at
# the counters.
_DAY_COLUMNS = (
    *_WAITING_COLUMNS,
    Ticket.status,
    Ticket.counter_id,
    Ticket.started_at,
    Ticket.last_called_at,
)
# One select per status: ``status IN (called, serving)`` let PostgreSQL's planner use
# ix_ticket_queue for branch and day only and filter the status row by row (0.9 ms of
# server time at 5,000 waiting, before the table's statistics caught up); with one
# status each, the index finds the few at the counters directly (0.02 ms).
_AT_COUNTERS = union_all(
    *(
        select(*_DAY_COLUMNS)
        .join(Service, Service.id == Ticket.service_id)
        .where(
            Ticket.branch_id == bindparam("branch"),
            Ticket.day == bindparam("day"),
            Ticket.status == status,
        )
        for status in (TicketStatus.CALLED, TicketStatus.SERVING)
    )
)
_TIMED = (
    select(*_DAY_COLUMNS)
    .join(Service, Service.id == Ticket.service_id)
    .where(Ticket.id.in_(bindparam("ids", expanding=True)))
    .order_by(Ticket.id)
)
# Every presence event of today with a counter, each counter's latest (by moment, then
# id) last: the reference the fast reads ask for with an index (migration 0017).
_TODAYS_PRESENCE = (
    select(Event.id, Event.counter_id, Event.staff_id, Event.kind, Event.data)
    .where(
        Event.branch_id == bindparam("branch"),
        Event.at >= bindparam("since"),
        Event.counter_id.is_not(None),
        Event.kind.in_(_PRESENCE_KINDS),
    )
    .order_by(Event.counter_id, Event.at, Event.id)
)
_LOGOUTS = (
    select(Event.staff_id, func.max(Event.id))
    .where(
        Event.at >= bindparam("since"),
        Event.kind == "staff.logout",
        Event.staff_id.is_not(None),
    )
    .group_by(Event.staff_id)
)
_EQUIPMENT = (
    select(CounterService.counter_id, Service.code)
    .join(Service, Service.id == CounterService.service_id)
    .join(Counter, Counter.id == CounterService.counter_id)
    .where(Counter.branch_id == bindparam("branch"), Counter.active)
)
_SKILLS = (
    select(StaffSkill.staff_id, Service.code, StaffSkill.speed)
    .join(Service, Service.id == StaffSkill.service_id)
    .where(StaffSkill.staff_id.in_(bindparam("people", expanding=True)))
)
# With each service, the rules the live dispatch calls by (loket.tickets.call_next), so
# the replay follows them without a read of its own.
_MEANS = select(
    Service.id,
    Service.code,
    Service.duration_minutes,
    select(Municipality.wait_norm_minutes).limit(1).scalar_subquery(),
    select(Municipality.dispatch_policy).limit(1).scalar_subquery(),
)
_UPCOMING = (
    select(Service.code, Appointment.start)
    .join(Service, Service.id == Appointment.service_id)
    .where(
        Appointment.branch_id == bindparam("branch"),
        Appointment.status == AppointmentStatus.BOOKED,
        Appointment.start >= bindparam("since"),
        Appointment.start < bindparam("until"),
    )
    .order_by(Appointment.start, Appointment.id)
)
_COVERAGE = (
    select(StoredPlan.coverage, Branch.code)
    .join(Branch, Branch.id == bindparam("branch"))
    .where(StoredPlan.day == bindparam("day"))
    .order_by(StoredPlan.version.desc())
    .limit(1)
)


def _function_speeds(
    rows: list[tuple[int, str, float | None]], staffed: dict[int, int | None]
) -> dict[int, dict[str, float]]:
    """The speeds rows (counter, service, speed of whoever the last presence event put
    there, as ``loket_counter_speeds`` gives them) per staffed counter."""
    if not staffed:
        return {}
    out: dict[int, dict[str, float]] = {c: {} for c in staffed}
    for counter_id, code, speed in rows:
        if counter_id in out:
            out[counter_id][code] = float(speed or 1.0)
    return out


def _small_reads(
    session: Session, branch_id: int, now: datetime, coverage: dict[str, Any] | None
) -> live_reads.SmallReads:
    """The small reads one at a time through SQLAlchemy, on either database: what both
    databases' fast reads (``loket.live_reads``, ``loket.live_reads_sqlite``) must give
    (``tests/loket/test_live_reads.py``)."""
    connection = session.connection()
    since = datetime.combine(now.date(), datetime.min.time())
    means = [
        (service_id, code, minutes, norm_minutes, named)
        for service_id, code, minutes, norm_minutes, named in connection.execute(_MEANS)
    ]
    codes = {service_id: code for service_id, code, *_rest in means}
    ids = {code: service_id for service_id, code in codes.items()}
    at_counters = [
        (row.id, ids[row.code], row.counter_id, row.started_at, row.last_called_at)
        for row in connection.execute(_AT_COUNTERS, {"branch": branch_id, "day": now.date()})
    ]
    latest = {
        counter_id: (event_id, counter_id, staff_id, kind, data)
        for event_id, counter_id, staff_id, kind, data in connection.execute(
            _TODAYS_PRESENCE, {"branch": branch_id, "since": since}
        )
    }
    presence = list(latest.values())  # by counter, as they came
    # The skills of whoever each counter's latest presence event names, as the
    # function ``loket_counter_speeds`` gives them to a public PC.
    people = sorted({staff_id for _e, _c, staff_id, _k, _d in presence if staff_id is not None})
    skills = connection.execute(_SKILLS, {"people": people}).all() if people else []
    speeds: list[tuple[int, str, float | None]] = [
        (counter_id, code, speed)
        for _e, counter_id, staff_id, _k, _d in presence
        for person, code, speed in skills
        if person == staff_id
    ]
    logouts = [
        (int(staff_id or 0), int(last or 0))
        for staff_id, last in connection.execute(_LOGOUTS, {"since": since})
    ]
    equipment = [
        (counter_id, code)
        for counter_id, code in connection.execute(_EQUIPMENT, {"branch": branch_id})
    ]
    upcoming = [
        (code, at)
        for code, at in connection.execute(
            _UPCOMING,
            {
                "branch": branch_id,
                "since": now - timedelta(minutes=15),
                "until": now + timedelta(hours=3),
            },
        )
    ]
    return live_reads.SmallReads(
        means=means,
        at_counters=at_counters,
        presence=presence,
        logouts=logouts,
        equipment=equipment,
        speeds=speeds,
        upcoming=upcoming,
        coverage=coverage or {},
    )


def _staffed(reads: live_reads.SmallReads) -> dict[int, int | None]:
    logouts = dict(reads.logouts)
    out: dict[int, int | None] = {}
    for event_id, counter_id, staff_id, kind, data in reads.presence:
        if kind == "staff.status" and (data or {}).get("status") != "available":
            continue
        if staff_id is not None and logouts.get(staff_id, 0) > event_id:
            continue
        out[counter_id] = staff_id
    return out


def live_state(
    session: Session,
    branch_id: int,
    day: date,
    now: datetime,
    exclude_ticket: int | None = None,
    coverage: dict[str, Any] | None = None,
) -> prediction.QueueState:
    """The simulator's view of the branch now: who waits, which counters are staffed by
    whom with which skills and speeds, who is busy, and the bookings still to come.

    The waiting tickets from the process's list, brought up to date from the events
    (``loket.waiting_list``, ``waiting_list_pg``); the walk-ins, most of a long queue, as
    columns (``scheduler.prediction.WalkIns``). The rest in one statement on PostgreSQL
    (``loket.live_reads``, which brings the list up to date too), seven small ones on
    SQLite's driver (``loket.live_reads_sqlite``)."""
    exclude = -1 if exclude_ticket is None else exclude_ticket
    if session.get_bind().dialect.name == "postgresql":
        reads = live_reads.read(session.connection(), branch_id, now, day, exclude)
    else:
        reads = _sqlite_reads(session, branch_id, day, now, exclude, plan=False)
    reads = replace(reads, coverage=coverage or {})
    return _state(session, branch_id, day, now, exclude_ticket, reads)


def _sqlite_reads(
    session: Session, branch_id: int, day: date, now: datetime, exclude: int, plan: bool
) -> live_reads.SmallReads:
    connection = session.connection()
    waiting = waiting_list.waiting(connection, branch_id, day, now, exclude)
    return replace(live_reads_sqlite.read(connection, branch_id, now, plan), waiting=waiting)


def _state(
    session: Session,
    branch_id: int,
    day: date,
    now: datetime,
    exclude_ticket: int | None,
    reads: live_reads.SmallReads,
) -> prediction.QueueState:
    connection = session.connection()
    codes: dict[int, str] = {}
    means: dict[str, float] = {}
    norm, policy_name = 5.0, DEFAULT_POLICY_NAME
    for service_id, code, minutes, norm_minutes, named in reads.means:
        codes[service_id] = code
        means[code] = float(minutes)
        norm, policy_name = float(norm_minutes), str(named)
    # The process's list (loket.waiting_list, waiting_list_pg), as columns
    # (scheduler.prediction.WalkIns).
    assert reads.waiting is not None, "live_state reads the waiting list with the rest"
    timed = reads.waiting.timed
    walk_ins: Sequence[tuple[str, datetime]] = []
    if reads.waiting.service_ids:
        walk_ins = prediction.WalkIns(
            now,
            list(map(codes.__getitem__, reads.waiting.service_ids)),
            reads.waiting.offsets,
        )
    waiting: list[policy.WaitingTicket] = []
    busy: dict[int, tuple[str, datetime | None]] = {}
    for tid, service_id, counter_id, started_at, called_at in reads.at_counters:
        if tid != exclude_ticket and counter_id is not None:
            busy[counter_id] = (codes[service_id], started_at or called_at)
    others = list(connection.execute(_TIMED, {"ids": timed})) if timed else []
    for (
        tid,
        prefix,
        sequence,
        _service_id,
        code,
        _kind,
        issued_at,
        wait_from,
        appointment_at,
        needs_assistance,
        status,
        counter_id,
        started_at,
        called_at,
    ) in others:
        if tid == exclude_ticket:
            continue
        if status is not TicketStatus.WAITING:
            if counter_id is not None:
                busy[counter_id] = (code, started_at or called_at)
            continue
        waiting.append(
            waiting_ticket(
                tid,
                prefix,
                sequence,
                code,
                True,
                issued_at,
                wait_from,
                appointment_at,
                needs_assistance,
            )
        )
    staffed = _staffed(reads)
    equipped: dict[int, set[str]] = {c: set() for c in staffed}
    for counter_id, code in reads.equipment:
        if counter_id in equipped:
            equipped[counter_id].add(code)
    speeds_at = _function_speeds(reads.speeds, staffed)
    states = []
    for counter_id, person in staffed.items():
        own = speeds_at.get(counter_id, {})
        if person is None or not own:
            # The system, or a colleague whose skills this PC may not read: every
            # equipped service at speed 1.0.
            speeds = dict.fromkeys(equipped[counter_id], 1.0)
        else:
            speeds = {code: own[code] for code in equipped[counter_id] if code in own}
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
    coverage = reads.coverage
    # The plan's forecast of each service's time (mean and spread from the event log)
    # beats the configured duration; without a plan the spread defaults to cv 0.5.
    forecast_times = coverage.get("service_minutes", {})
    cv = {code: float(mc[1]) for code, mc in forecast_times.items()}
    means.update({code: float(mc[0]) for code, mc in forecast_times.items() if mc[0] > 0})
    # Booked visitors arrive as late as the plan's forecast says they usually do.
    late = timedelta(minutes=float(coverage.get("late_minutes", 0.0)) if coverage else 0.0)
    upcoming = [(code, at + late) for code, at in reads.upcoming]
    return prediction.QueueState(
        now=now,
        waiting=waiting,
        counters=states,
        mean_minutes=means,
        cv=cv,
        upcoming=upcoming,
        show_rate=float(coverage.get("show_rate", DEFAULT_SHOW_RATE))
        if coverage
        else DEFAULT_SHOW_RATE,
        walk_ins=walk_ins,
        # As the counters call: the municipality's norm, the hard limit at twice it,
        # and the bands only under Loket's own policy.
        target_minutes=norm,
        limit_minutes=norm * 2,
        missed_yield=policy_name == DEFAULT_POLICY_NAME,
    )


def branch_coverage(session: Session, branch_id: int, day: date) -> dict[str, Any]:
    """The public part of the day's current plan for one branch (no names): per service
    the windows someone is rostered, and the show rate of bookings."""
    row = session.connection().execute(_COVERAGE, {"branch": branch_id, "day": day}).first()
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
    service sits at a counter. Reads only: outside the write transaction on SQLite (its
    write lock), in it on PostgreSQL (``TicketService.issue_ticket``)."""
    # The day's plan comes with the small reads.
    exclude = -1 if exclude_ticket is None else exclude_ticket
    if session.get_bind().dialect.name == "postgresql":
        reads = live_reads.read(session.connection(), branch_id, now, now.date(), exclude)
    else:
        reads = _sqlite_reads(session, branch_id, now.date(), now, exclude, plan=True)
    coverage = reads.coverage
    state = _state(session, branch_id, now.date(), now, exclude_ticket, reads)
    wait = live_prediction.predict_wait_live(service, state, kind)
    if wait is not None:
        return LivePrediction(int(wait.total_seconds()))
    when = expected_from(coverage, service, now)
    note = "Nu is er niemand voor deze dienst."
    if when:
        note += f" Verwacht vanaf {when}."
    return LivePrediction(None, note, when)


def predict_wait(session: Session, ticket: Ticket, now: datetime) -> timedelta | None:
    """Expected wait for a ticket already added (check-in); None when nobody serves it."""
    kind = policy.APPOINTMENT if ticket.kind is TicketKind.APPOINTMENT else policy.WALK_IN
    seconds = predict_live(
        session, ticket.branch_id, ticket.service.code, now, kind, exclude_ticket=ticket.id
    ).seconds
    return timedelta(seconds=seconds) if seconds is not None else None
