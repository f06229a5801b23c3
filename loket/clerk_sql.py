"""A clerk's cycle (call next, start, finish) in a few statements each.

The general queue engine (``loket.tickets``) loads ORM objects and checks every rule in
Python; that is clear, but a cycle cost 31 statements and, for "call next", reading and
ranking the whole waiting queue, again for every ticket another counter had locked.
This module does the three transitions a clerk repeats all day in a handful of
round trips, and hands anything unusual back to the engine (a refusal, an unknown
number, a policy it has no SQL for), which then answers exactly as before:

* **call next**: lock the counter, then one statement returns, for every service this
  counter (and its clerk) may serve, the heads the scheduler can prefer: the walk-in
  waiting longest, the due appointment waiting longest, the same two among those still
  within the wait norm (the scheduler serves those before tickets already past it),
  and the appointment due soonest within the early-call window. On PostgreSQL
  each head is locked in the same statement (``FOR NO KEY UPDATE SKIP LOCKED``), so a
  ticket another counter is calling is passed over and the next one comes up.
  ``scheduler.dispatch.choose_next`` (or the configured policy) then picks among these
  few rows. Within one service, one of those orders and one band of waiting (within
  the norm, past it, past the hard limit) the scheduler's key only grows with the wait
  (then the number decides), so the ticket it would pick from the whole queue is
  always one of the heads: the choice stays exactly the scheduler's
  (tests/loket/test_clerk_sql.py compares both on random queues). One more statement
  marks the ticket called and records the event; on PostgreSQL that is one statement
  with the event insert and ``pg_notify``.
* **start** and **finish**: one ``UPDATE … RETURNING`` by the ticket's number, guarded
  by its status, and one insert of the event (with ``pg_notify``).

SQLite runs the same statements without row locks: the write transaction is
``BEGIN IMMEDIATE`` (``loket.db``), so the whole call is one serial step.

The heads hold row locks until the call commits (milliseconds); a counter calling at
that very moment passes over them as over a ticket being called.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    String,
    Table,
    bindparam,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from loket import config_cache, events, logging_setup, queue_state
from loket.config_cache import Configuration
from loket.db import Database, unavailable
from loket.dispatch_policies import live_policy
from loket.errors import IllegalTransition
from loket.models import Appointment, Event, Ticket, TicketKind, TicketStatus
from loket.tickets import Context, get_branch
from loket.views import TicketView
from scheduler import dispatch as policy

# Policies whose pick from the whole queue is always one of the heads (see above).
HEAD_POLICIES = frozenset({"loket", "longest_wait"})

_TICKET = typing.cast(Table, Ticket.__table__)
_EVENT = typing.cast(Table, Event.__table__)
_APPOINTMENT = typing.cast(Table, Appointment.__table__)

# Which tickets may be the scheduler's pick, per service: (condition, order). The
# scheduler ranks a ticket that has waited past the norm below those still within it
# (``DispatchPolicy.missed_yield``), so besides the longest waiting of each order (the
# pick when it is past the hard limit or everyone is past the norm) the longest waiting
# still within the norm is a head too (``:savable`` = now - norm).
_WALK_IN = "NOT (t.kind = 'appointment' AND t.appointment_at IS NOT NULL)"
_DUE = "t.kind = 'appointment' AND t.appointment_at <= :now"
_DUE_FROM = "{greatest}(t.issued_at, t.appointment_at)"
GROUPS = (
    (_WALK_IN, "t.wait_from"),
    (f"{_WALK_IN} AND t.wait_from > :savable", "t.wait_from"),
    (_DUE, _DUE_FROM),
    (f"{_DUE} AND {_DUE_FROM} > :savable", _DUE_FROM),
    (
        "t.kind = 'appointment' AND t.appointment_at > :now AND t.appointment_at <= :early",
        "t.appointment_at",
    ),
)

_HEAD_COLUMNS = (
    "t.id, t.prefix, t.sequence, t.service_id, t.kind, t.issued_at, t.wait_from, "
    "t.appointment_at, t.needs_assistance, t.call_count, t.predicted_wait_seconds, "
    "t.appointment_id, t.transfer_note"
)

# The services this counter may serve with this clerk, and the clerk's speed at each:
# the counter's services, narrowed to the clerk's skills when the clerk has any.
SERVICES_SQL = """
svc AS (
  SELECT cs.service_id, s.code, CAST(COALESCE(sk.speed, 1) AS DOUBLE PRECISION) AS speed
  FROM counter_service cs
  JOIN service s ON s.id = cs.service_id
  LEFT JOIN staff_skill sk ON sk.staff_id = :staff AND sk.service_id = cs.service_id
  WHERE cs.counter_id = :counter
    AND EXISTS (SELECT 1 FROM counter c WHERE c.id = :counter AND c.active)
    AND (sk.service_id IS NOT NULL
         OR NOT EXISTS (SELECT 1 FROM staff_skill x WHERE x.staff_id = :staff))
)"""

_COMMON = """t.branch_id = :branch AND t.day = :day AND t.status = 'waiting'
    AND (t.target_counter_id IS NULL OR t.target_counter_id = :counter)"""

_OUTER = """
SELECT
  (SELECT b.prefix || ' ' || b.sequence FROM ticket b
   WHERE b.counter_id = :counter AND b.day = :day AND b.status IN ('called', 'serving')
   LIMIT 1) AS busy,
  (SELECT COUNT(*) FROM svc) AS services,
  m.wait_norm_minutes, m.dispatch_policy,
  h.id, h.prefix, h.sequence, h.service_id, h.kind, h.issued_at, h.wait_from,
  h.appointment_at, h.needs_assistance, h.call_count, h.predicted_wait_seconds,
  h.appointment_id, h.transfer_note, h.speed, h.reference
FROM municipality m LEFT JOIN heads h ON 1 = 1
"""


def group_head_sql(condition: str, order: str, columns: str, postgres: bool) -> str:
    """The head of one of the scheduler's orders in one service's queue (``svc``): the
    one statement both databases run per service and order. PostgreSQL locks it and
    skips a head another counter is calling; both break ties by the number as text."""
    greatest = "GREATEST" if postgres else "MAX"
    number = "(t.prefix || ' ' || t.sequence)" + (' COLLATE "C"' if postgres else "")
    lock = "\n  FOR NO KEY UPDATE OF t SKIP LOCKED" if postgres else ""
    return f"""SELECT {columns}
  FROM ticket t
  WHERE {_COMMON} AND t.service_id = svc.service_id
    AND {condition.format(greatest=greatest)}
  ORDER BY {order.format(greatest=greatest)}, {number}
  LIMIT 1{lock}"""


_REFERENCE = "(SELECT a.reference FROM appointment a WHERE a.id = t.appointment_id) AS reference"


def _heads_sql() -> str:
    """The heads statement (see the module's docstring), SQLite's form."""
    # No row locks in SQLite: the write transaction already holds the database. Per
    # service and order a correlated subquery finds the head's id on ix_ticket_queue.
    picks = ",\n".join(
        f"    ({group_head_sql(condition, order, 't.id', False)}) AS h{i}"
        for i, (condition, order) in enumerate(GROUPS)
    )
    return f"""WITH {SERVICES_SQL},
picks AS (
  SELECT svc.service_id, svc.speed,
{picks}
  FROM svc
),
heads AS (
  SELECT {_HEAD_COLUMNS}, p.speed,
    {_REFERENCE}
  FROM picks p JOIN ticket t ON t.id IN ({", ".join(f"p.h{i}" for i in range(len(GROUPS)))})
){_OUTER}"""


def _typed(sql: str) -> Any:
    # No typed result columns: matching them by name cost more on every execution than
    # the statement itself; SQLite's moments are parsed in ``_head`` (``_moment``).
    return text(sql).bindparams(
        bindparam("now", type_=DateTime()),
        bindparam("early", type_=DateTime()),
        bindparam("savable", type_=DateTime()),
        bindparam("day", type_=Date()),
    )


@typing.overload
def _moment(value: datetime | str) -> datetime: ...
@typing.overload
def _moment(value: None) -> None: ...
def _moment(value: datetime | str | None) -> datetime | None:
    """A stored moment: PostgreSQL's driver gives a datetime, SQLite the text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


_HEADS = _typed(_heads_sql())
DEFAULT_NORM_MINUTES = 5
_NORMS: dict[str, int] = {}  # per database: the wait norm the last call read


def _typed_step(sql: str) -> Any:
    types: dict[str, Any] = {
        "now": DateTime(),
        "day": Date(),
        "staff": Integer(),
        "outcome": String(),
    }
    # PostgreSQL only: its driver returns the moments as datetimes.
    return text(sql).bindparams(
        *(bindparam(k, type_=t) for k, t in types.items() if f":{k}" in sql)
    )


@dataclass(frozen=True)
class Head:
    """One candidate the database returned (locked on PostgreSQL)."""

    service_id: int
    waiting: policy.WaitingTicket
    speed: float
    call_count: int
    predicted_wait_seconds: int | None
    appointment_id: int | None
    reference: str | None
    transfer_note: str | None
    kind: str
    issued_at: datetime
    wait_from: datetime
    appointment_at: datetime | None


@dataclass(frozen=True)
class Pick:
    """What the heads statement found: a ticket the counter still holds, the heads,
    and the scheduler's choice among them."""

    busy: str | None
    services: int
    heads: tuple[Head, ...]
    chosen: Head | None
    reason: str
    policy_name: str


def _head(row: Any, codes: dict[int, str]) -> Head:
    issued_at, wait_from = _moment(row.issued_at), _moment(row.wait_from)
    appointment_at = _moment(row.appointment_at)
    appointment = row.kind == TicketKind.APPOINTMENT.value and appointment_at is not None
    return Head(
        service_id=row.service_id,
        waiting=queue_state.waiting_ticket(
            row.id,
            row.prefix,
            row.sequence,
            codes[row.service_id],
            appointment,
            issued_at,
            wait_from,
            appointment_at,
            row.needs_assistance,
        ),
        speed=float(row.speed),
        call_count=int(row.call_count or 0),
        predicted_wait_seconds=row.predicted_wait_seconds,
        appointment_id=row.appointment_id,
        reference=row.reference,
        transfer_note=row.transfer_note,
        kind=str(row.kind),
        issued_at=issued_at,
        wait_from=wait_from,
        appointment_at=appointment_at,
    )


def _configuration(session: Session, service_ids: set[int]) -> Configuration:
    cache = config_cache.cache_for(session.get_bind().engine.url)
    config = cache.get(session)
    if not service_ids <= config.services.keys():
        config = cache.get(session, reload=True)
    return config


def branch_id(session: Session, code: str) -> int:
    """The branch's id from the per-process configuration; ``NotFound`` as the engine
    says it for an unknown code."""
    cache = config_cache.cache_for(session.get_bind().engine.url)
    branch = cache.get(session).branches.get(code)
    return branch.id if branch is not None else get_branch(session, code).id


def pick(
    session: Session, now: datetime, branch_id: int, counter_id: int, staff_id: int | None
) -> Pick:
    """The heads of this counter's queues and the policy's pick, in a SQLite write
    transaction (PostgreSQL: ``loket.call_next_pg``)."""
    early = now + policy.DispatchPolicy().early_call
    key = str(session.get_bind().engine.url)
    params = {
        "now": now,
        "early": early,
        "day": now.date(),
        "branch": branch_id,
        "counter": counter_id,
        "staff": staff_id,
    }
    # The norm is read by this statement itself (a change counts at once); the heads
    # within the norm need it in advance: the last norm seen, checked against the row
    # and asked again in the rare case it changed.
    guess = _NORMS.get(key, DEFAULT_NORM_MINUTES)
    savable = now - timedelta(minutes=guess)
    rows = session.execute(_HEADS, {**params, "savable": savable}).all()
    if rows and int(rows[0].wait_norm_minutes) != guess:
        guess = _NORMS[key] = int(rows[0].wait_norm_minutes)
        savable = now - timedelta(minutes=guess)
        rows = session.execute(_HEADS, {**params, "savable": savable}).all()
    if not rows:  # no municipality configured: the engine says so
        return Pick(None, 0, (), None, "", "")
    first = rows[0]
    policy_name = str(first.dispatch_policy)
    service_ids = {row.service_id for row in rows if row.id is not None}
    codes = {i: s.code for i, s in _configuration(session, service_ids).services.items()}
    # A ticket can head two orders (the longest waiting is still within the norm).
    unique = {row.id: row for row in rows if row.id is not None}
    heads = tuple(_head(row, codes) for row in unique.values())
    chosen: Head | None = None
    reason = ""
    if first.busy is None and heads:
        norm = timedelta(minutes=int(first.wait_norm_minutes))
        context = policy.CounterContext(
            counter_id=counter_id, services={h.waiting.service: h.speed for h in heads}
        )
        rules = policy.DispatchPolicy(target=norm, limit=norm * 2)
        decision = live_policy(policy_name)(context, [h.waiting for h in heads], now, rules)
        if decision is not None:
            chosen = next(h for h in heads if h.waiting.id == decision.ticket_id)
            reason = decision.reason
    return Pick(first.busy, int(first.services or 0), heads, chosen, reason, policy_name)


def _call_statement(
    session: Session,
    *,
    now: datetime,
    head: Head,
    counter_id: int,
    staff_id: int | None,
    workstation: str,
    branch_id: int,
    data: dict[str, Any],
) -> bool:
    """Mark ``head`` called and record it; False (nothing changed) when it is no longer
    waiting. BEGIN IMMEDIATE holds the database since the heads were read, so the counter
    is still free and the ticket still waiting."""
    called = session.execute(
        _SQLITE_CALL,
        {"ticket": head.waiting.id, "counter": counter_id, "staff": staff_id, "now": now},
    )
    if not getattr(called, "rowcount", 0):
        return False
    events.append_row(
        session,
        at=now,
        kind="ticket.called",
        staff_id=staff_id,
        workstation=workstation,
        branch_id=branch_id,
        ticket_id=head.waiting.id,
        appointment_id=head.appointment_id,
        counter_id=counter_id,
        data=data,
    )
    return True


# Marking a ticket called, by id, only while it waits.
_CALL_UPDATE = """UPDATE ticket SET status = 'called', counter_id = :counter, staff_id = :staff,
    call_count = call_count + 1, last_called_at = :now,
    first_called_at = COALESCE(first_called_at, :now)
  WHERE id = :ticket AND status = 'waiting'"""

_SQLITE_CALL = text(_CALL_UPDATE).bindparams(
    bindparam("now", type_=DateTime()), bindparam("staff", type_=Integer())
)


def call_next(
    session: Session, ctx: Context, branch_code: str, counter_number: int
) -> tuple[TicketView | None, str] | None:
    """The fast "call next"; None when the engine should answer instead (an unknown
    branch or counter, a counter without services, a policy without a head query,
    nobody to call: the engine says why)."""
    now, staff_id, workstation = ctx.now, ctx.actor.staff_id, ctx.actor.workstation
    cache = config_cache.cache_for(session.get_bind().engine.url)
    config = cache.get(session)
    branch = config.branches.get(branch_code)
    counter = config.counters.get((branch.id, counter_number)) if branch else None
    if branch is None or counter is None:
        return None
    found = pick(session, now, branch.id, counter.id, staff_id)
    if found.policy_name == "":  # the counter is gone, or no municipality: the engine
        cache.invalidate()
        return None
    if found.busy is not None:
        raise IllegalTransition(
            f"Balie {counter_number} heeft {found.busy} nog; rond dat eerst af."
        )
    if found.services == 0:
        cache.invalidate()  # switched off or re-equipped: the engine says so
    if found.policy_name not in HEAD_POLICIES or found.chosen is None:
        return None
    head = found.chosen
    waited = int((now - head.wait_from).total_seconds())
    data: dict[str, Any] = {
        "number": head.waiting.number,
        "service": head.waiting.service,
        "kind": head.kind,
        "status": TicketStatus.CALLED.value,
        "counter": counter_number,
        "call_count": head.call_count + 1,
        "waited_seconds": max(0, waited),
        "predicted_wait_seconds": head.predicted_wait_seconds,
        "reason": found.reason,
        "manual": False,
    }
    if not _call_statement(
        session,
        now=now,
        head=head,
        counter_id=counter.id,
        staff_id=staff_id,
        workstation=workstation,
        branch_id=branch.id,
        data=data,
    ):
        return None
    service = config.services[head.service_id]
    view = TicketView(
        id=head.waiting.id,
        number=head.waiting.number,
        branch=branch.code,
        service=service.code,
        service_name=service.name_nl,
        service_names=dict(service.names),
        kind=head.kind,
        status=TicketStatus.CALLED.value,
        issued_at=head.issued_at,
        wait_from=head.wait_from,
        appointment_at=head.appointment_at,
        called_at=now,
        counter=counter_number,
        call_count=head.call_count + 1,
        predicted_wait_minutes=minutes(head.predicted_wait_seconds),
        needs_assistance=head.waiting.needs_assistance,
        appointment_reference=head.reference,
        transfer_note=head.transfer_note,
        reason=found.reason,
    )
    return view, found.reason


def minutes(seconds: int | None) -> int | None:
    return round(seconds / 60) if seconds is not None else None


def _parse_number(number: str) -> tuple[str, int] | None:
    """("A", 12) for "A 12" or "a12"; None for anything the engine should refuse."""
    cleaned = number.replace(" ", "").upper()
    prefix = cleaned.rstrip("0123456789")
    digits = cleaned[len(prefix) :]
    if not prefix or not digits or len(prefix) > 2 or len(digits) > 6:
        return None
    return prefix, int(digits)


# "start" and "finish": one guarded update by the printed number, returning the ticket.
_STEP_UPDATE = """UPDATE ticket SET status = :after, {assign}
  WHERE branch_id = :branch AND day = :day AND prefix = :prefix AND sequence = :sequence
    AND status = :before
  RETURNING id, branch_id, prefix, sequence, service_id, kind, status, issued_at, wait_from,
    appointment_at, last_called_at, started_at, counter_id, call_count,
    predicted_wait_seconds, needs_assistance, appointment_id, transfer_note"""
_START_ASSIGN = "started_at = :now, staff_id = COALESCE(:staff, staff_id)"
_FINISH_ASSIGN = "finished_at = :now, outcome = :outcome"

# SQLite: the same update, then the event, in one short BEGIN IMMEDIATE transaction;
# statements built once (building them per call cost more than running them).
_STEP = {
    None: _typed_step(_STEP_UPDATE.format(assign=_START_ASSIGN)),
    "finish": _typed_step(_STEP_UPDATE.format(assign=_FINISH_ASSIGN)),
}
_REFERENCE_OF = text("SELECT reference FROM appointment WHERE id = :id")
_COMPLETE_APPOINTMENT = text("UPDATE appointment SET status = 'completed' WHERE id = :id")


def _step(
    session: Session, ctx: Context, branch_code: str, number: str, outcome: str | None
) -> TicketView | None:
    """ "start" (``outcome`` None) or "finish" on SQLite (or any session): None, with
    nothing changed, when the engine should answer (unknown branch or number, another
    status)."""
    now, staff_id, workstation = ctx.now, ctx.actor.staff_id, ctx.actor.workstation
    cache = config_cache.cache_for(session.get_bind().engine.url)
    branch = cache.get(session).branches.get(branch_code)
    parsed = _parse_number(number)
    if branch is None or parsed is None:
        return None
    after = TicketStatus.SERVING if outcome is None else TicketStatus.DONE
    row = session.execute(
        _STEP[None if outcome is None else "finish"],
        {
            "after": after.value,
            "before": (TicketStatus.CALLED if outcome is None else TicketStatus.SERVING).value,
            "branch": branch.id,
            "day": now.date(),
            "prefix": parsed[0],
            "sequence": parsed[1],
            "now": now,
            "staff": staff_id or None,
            "outcome": outcome,
        },
    ).first()
    if row is None:
        return None
    config = _configuration(session, {row.service_id})
    service = config.services[row.service_id]
    counter = config.counters_by_id.get(row.counter_id) if row.counter_id else None
    number_text = f"{row.prefix} {row.sequence}"
    data: dict[str, Any] = {
        "number": number_text,
        "service": service.code,
        "kind": str(row.kind),
        "status": after.value,
    }
    reference = None
    if row.appointment_id is not None:
        if outcome is not None:
            session.execute(_COMPLETE_APPOINTMENT, {"id": row.appointment_id})
        reference = session.scalar(_REFERENCE_OF, {"id": row.appointment_id})
    if outcome is not None:
        started = _moment(row.started_at) or now
        data["outcome"] = outcome
        data["served_seconds"] = int((now - started).total_seconds())
    events.append_row(
        session,
        at=now,
        kind="ticket.started" if outcome is None else "ticket.finished",
        staff_id=staff_id,
        workstation=workstation,
        branch_id=row.branch_id,
        ticket_id=row.id,
        appointment_id=row.appointment_id,
        counter_id=row.counter_id,
        data=data,
    )
    return TicketView(
        id=row.id,
        number=number_text,
        branch=branch.code,
        service=service.code,
        service_name=service.name_nl,
        service_names=dict(service.names),
        kind=str(row.kind),
        status=after.value,
        issued_at=_moment(row.issued_at),
        wait_from=_moment(row.wait_from),
        appointment_at=_moment(row.appointment_at),
        called_at=_moment(row.last_called_at),
        counter=counter.number if counter else None,
        call_count=int(row.call_count or 0),
        predicted_wait_minutes=minutes(row.predicted_wait_seconds),
        needs_assistance=bool(row.needs_assistance),
        appointment_reference=reference,
        transfer_note=row.transfer_note,
    )


def start(session: Session, ctx: Context, branch_code: str, number: str) -> TicketView | None:
    """The fast "start": None when the engine should answer (see ``_step``)."""
    return _step(session, ctx, branch_code, number, None)


def finish(
    session: Session, ctx: Context, branch_code: str, number: str, outcome: str
) -> TicketView | None:
    """The fast "finish" with a known outcome: None when the engine should answer."""
    return _step(session, ctx, branch_code, number, outcome)


# -- PostgreSQL: start and finish as one autocommit statement each -----------------------

_PG_STEP = """
WITH t AS (
  {update}),
s AS (
  SELECT t.*, svc.code AS service_code,
    (SELECT a.reference FROM appointment a WHERE a.id = t.appointment_id) AS reference
  FROM t JOIN service svc ON svc.id = t.service_id),
{extra}{event}
SELECT s.*, e.id AS event_id, {notify} AS notified FROM s, e
"""

_PG_EVENT = events.insert_cte_sql(
    """  SELECT :now, :event, s.branch_id, s.id, s.appointment_id, s.counter_id, :staff,
    :workstation, json_build_object('number', s.prefix || ' ' || s.sequence,
      'service', s.service_code, 'kind', s.kind, 'status', s.status{data})
  FROM s""",
    "e",
)

_PG_START = _typed_step(
    _PG_STEP.format(
        update=_STEP_UPDATE.format(assign=_START_ASSIGN),
        extra="",
        event=_PG_EVENT.format(data=""),
        notify=events.notify_sql("e.id"),
    )
)
_PG_FINISH = _typed_step(
    _PG_STEP.format(
        update=_STEP_UPDATE.format(assign=_FINISH_ASSIGN),
        extra="""done AS (
  UPDATE appointment SET status = 'completed'
  WHERE id = (SELECT appointment_id FROM t) RETURNING id),
""",
        event=_PG_EVENT.format(
            data=""",
      'outcome', CAST(:outcome AS TEXT),
      'served_seconds', CAST(TRUNC(EXTRACT(EPOCH FROM (:now - COALESCE(s.started_at, :now))))
                             AS INTEGER)"""
        ),
        notify=events.notify_sql("e.id"),
    )
)


def at_once(
    db: Database, ctx: Context, branch_code: str, number: str, outcome: str | None
) -> TicketView | None:
    """ "start" (``outcome`` None) or "finish" as one statement in its own transaction on
    PostgreSQL (autocommit: no BEGIN, no COMMIT round trip), or one ``BEGIN IMMEDIATE``
    transaction on SQLite. None, with nothing changed, when the engine should answer."""
    if db.is_sqlite:
        with db.write() as session:
            if outcome is None:
                return start(session, ctx, branch_code, number)
            return finish(session, ctx, branch_code, number, outcome)
    parsed = _parse_number(number)
    if parsed is None:
        return None
    try:
        with (
            db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
            Session(conn) as session,
        ):
            branch = config_cache.cache_for(db.engine.url).get(session).branches.get(branch_code)
            if branch is None:
                return None
            row = conn.execute(
                _PG_START if outcome is None else _PG_FINISH,
                {
                    "after": (TicketStatus.SERVING if outcome is None else TicketStatus.DONE).value,
                    "before": (
                        TicketStatus.CALLED if outcome is None else TicketStatus.SERVING
                    ).value,
                    "branch": branch.id,
                    "day": ctx.now.date(),
                    "prefix": parsed[0],
                    "sequence": parsed[1],
                    "now": ctx.now,
                    "staff": ctx.actor.staff_id or None,
                    "workstation": ctx.actor.workstation,
                    "event": "ticket.started" if outcome is None else "ticket.finished",
                    "outcome": outcome,
                },
            ).first()
            if row is None:
                return None
            config = _configuration(session, {row.service_id})
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc
    # Autocommit: the change is in; the log says so as for any committed event.
    data: dict[str, Any] = {
        "number": f"{row.prefix} {row.sequence}",
        "service": row.service_code,
        "kind": str(row.kind),
        "status": str(row.status),
    }
    if outcome is not None:
        data["outcome"] = outcome
    logging_setup.log_committed(
        events.logged(
            int(row.event_id),
            kind="ticket.started" if outcome is None else "ticket.finished",
            branch_id=row.branch_id,
            ticket_id=row.id,
            appointment_id=row.appointment_id,
            counter_id=row.counter_id,
            staff_id=ctx.actor.staff_id or None,
            workstation=ctx.actor.workstation,
            data=data,
        )
    )
    service = config.services[row.service_id]
    counter = config.counters_by_id.get(row.counter_id) if row.counter_id else None
    return TicketView(
        id=row.id,
        number=f"{row.prefix} {row.sequence}",
        branch=branch.code,
        service=service.code,
        service_name=service.name_nl,
        service_names=dict(service.names),
        kind=str(row.kind),
        status=str(row.status),
        issued_at=row.issued_at,
        wait_from=row.wait_from,
        appointment_at=row.appointment_at,
        called_at=row.last_called_at,
        counter=counter.number if counter else None,
        call_count=int(row.call_count or 0),
        predicted_wait_minutes=minutes(row.predicted_wait_seconds),
        needs_assistance=bool(row.needs_assistance),
        appointment_reference=row.reference,
        transfer_note=row.transfer_note,
    )
