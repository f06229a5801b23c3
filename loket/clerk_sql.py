"""A clerk's cycle (call next, start, finish) in a few statements each.

The general queue engine (``loket.tickets``) loads ORM objects and checks every rule in
Python; that is clear, but a cycle cost 31 statements and, for "call next", reading and
ranking the whole waiting queue, again for every ticket another counter had locked.
This module does the three transitions a clerk repeats all day in a handful of
round trips, and hands anything unusual back to the engine (a refusal, an unknown
number, a policy it has no SQL for), which then answers exactly as before:

* **call next**: lock the counter, then one statement returns, for every service this
  counter (and its clerk) may serve, the head of each of the three orders the
  scheduler can prefer: the walk-in waiting longest, the due appointment waiting
  longest and the appointment due soonest within the early-call window. On PostgreSQL
  each head is locked in the same statement (``FOR NO KEY UPDATE SKIP LOCKED``), so a
  ticket another counter is calling is passed over and the next one comes up.
  ``scheduler.dispatch.choose_next`` (or the configured policy) then picks among these
  few rows. Within one service and one of those orders the scheduler's key only grows
  with the wait (then the number decides), so the ticket it would pick from the whole
  queue is always one of the heads: the choice stays exactly the scheduler's
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

import json
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
    cast,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from loket import config_cache
from loket.config_cache import Configuration
from loket.db import Database, unavailable
from loket.dispatch_policies import live_policy
from loket.errors import IllegalTransition
from loket.events import NOTIFY_CHANNEL
from loket.models import Appointment, AppointmentStatus, Event, Ticket, TicketKind, TicketStatus
from loket.tickets import Context
from loket.views import TicketView
from scheduler import dispatch as policy

# Policies whose pick from the whole queue is always one of the heads (see above).
HEAD_POLICIES = frozenset({"loket", "longest_wait"})

_TICKET = typing.cast(Table, Ticket.__table__)
_EVENT = typing.cast(Table, Event.__table__)
_APPOINTMENT = typing.cast(Table, Appointment.__table__)

# Which tickets may be the scheduler's pick, per service: (condition, order).
_GROUPS_PG = (
    ("NOT (t.kind = 'appointment' AND t.appointment_at IS NOT NULL)", "t.wait_from"),
    (
        "t.kind = 'appointment' AND t.appointment_at <= :now",
        "GREATEST(t.issued_at, t.appointment_at)",
    ),
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
_SERVICES = """
svc AS (
  SELECT cs.service_id, COALESCE(sk.speed, 1.0) AS speed
  FROM counter_service cs
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


def _pg_heads() -> str:
    parts = [
        f"""SELECT svc.speed, g.* FROM svc CROSS JOIN LATERAL (
  SELECT {_HEAD_COLUMNS},
    (SELECT a.reference FROM appointment a WHERE a.id = t.appointment_id) AS reference
  FROM ticket t
  WHERE {_COMMON} AND t.service_id = svc.service_id AND {condition}
  ORDER BY {order}, (t.prefix || ' ' || t.sequence) COLLATE "C"
  LIMIT 1
  FOR NO KEY UPDATE OF t SKIP LOCKED
) g"""
        for condition, order in _GROUPS_PG
    ]
    # The counter is locked in the same statement: two clerks at one counter queue up
    # here; the call itself re-checks that the counter holds nothing (_call_statement).
    outer = _OUTER.replace(
        "FROM municipality m",
        "FROM municipality m\nJOIN (SELECT id FROM counter WHERE id = :counter AND active"
        " FOR NO KEY UPDATE) locked ON 1 = 1",
    )
    return f"WITH {_SERVICES},\nheads AS (\n" + "\nUNION ALL\n".join(parts) + f"\n){outer}"


def _sqlite_heads() -> str:
    # No row locks in SQLite: the write transaction already holds the database. Per
    # service and order, a correlated subquery finds the head on ix_ticket_queue.
    picks = ",\n".join(
        f"""    (SELECT t.id FROM ticket t
     WHERE {_COMMON} AND t.service_id = svc.service_id AND {condition}
     ORDER BY {order.replace("GREATEST", "MAX")}, t.prefix || ' ' || t.sequence
     LIMIT 1) AS h{i}"""
        for i, (condition, order) in enumerate(_GROUPS_PG)
    )
    return f"""WITH {_SERVICES},
picks AS (
  SELECT svc.service_id, svc.speed,
{picks}
  FROM svc
),
heads AS (
  SELECT {_HEAD_COLUMNS}, p.speed,
    (SELECT a.reference FROM appointment a WHERE a.id = t.appointment_id) AS reference
  FROM picks p JOIN ticket t ON t.id IN (p.h0, p.h1, p.h2)
){_OUTER}"""


def _typed(sql: str) -> Any:
    return (
        text(sql)
        .bindparams(
            bindparam("now", type_=DateTime()),
            bindparam("early", type_=DateTime()),
            bindparam("day", type_=Date()),
        )
        .columns(
            busy=String,
            services=Integer,
            issued_at=DateTime,
            wait_from=DateTime,
            appointment_at=DateTime,
        )
    )


_HEADS = {"postgresql": _typed(_pg_heads()), "sqlite": _typed(_sqlite_heads())}


def _typed_step(sql: str) -> Any:
    types: dict[str, Any] = {
        "now": DateTime(),
        "day": Date(),
        "staff": Integer(),
        "outcome": String(),
    }
    return (
        text(sql)
        .bindparams(*(bindparam(k, type_=t) for k, t in types.items() if f":{k}" in sql))
        .columns(issued_at=DateTime, wait_from=DateTime, appointment_at=DateTime)
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
    appointment = row.kind == TicketKind.APPOINTMENT.value and row.appointment_at is not None
    return Head(
        service_id=row.service_id,
        waiting=policy.WaitingTicket(
            id=row.id,
            number=f"{row.prefix} {row.sequence}",
            service=codes[row.service_id],
            kind=policy.APPOINTMENT if appointment else policy.WALK_IN,
            # As loket.queue_state.waiting_candidates: an appointment's wait counts from the
            # later of check-in and its time, anything else's from wait_from.
            waiting_since=row.issued_at if appointment else row.wait_from,
            appointment_time=row.appointment_at if appointment else None,
            needs_assistance=bool(row.needs_assistance),
        ),
        speed=float(row.speed),
        call_count=int(row.call_count or 0),
        predicted_wait_seconds=row.predicted_wait_seconds,
        appointment_id=row.appointment_id,
        reference=row.reference,
        transfer_note=row.transfer_note,
        kind=str(row.kind),
        issued_at=row.issued_at,
        wait_from=row.wait_from,
        appointment_at=row.appointment_at,
    )


def _configuration(session: Session, service_ids: set[int]) -> Configuration:
    cache = config_cache.cache_for(session.get_bind().engine.url)
    config = cache.get(session)
    if not service_ids <= config.services.keys():
        config = cache.get(session, reload=True)
    return config


def lock_counter(session: Session, counter_id: int, *, postgres_too: bool = True) -> bool:
    """Two clerks (or a double click) at one counter wait for each other here; False
    when the counter is gone or switched off. SQLite: BEGIN IMMEDIATE serialises.
    ``call_next`` on PostgreSQL takes the lock in its heads statement instead."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if not postgres or not postgres_too:
        return True
    found = session.execute(
        text("SELECT id FROM counter WHERE id = :id AND active FOR NO KEY UPDATE"),
        {"id": counter_id},
    ).first()
    return found is not None


def pick(
    session: Session, now: datetime, branch_id: int, counter_id: int, staff_id: int | None
) -> Pick:
    """The heads of this counter's queues (locked on PostgreSQL) and the policy's pick.
    Run after :func:`lock_counter`, in the same transaction."""
    early = now + policy.DispatchPolicy().early_call
    rows = session.execute(
        _HEADS[session.get_bind().dialect.name],
        {
            "now": now,
            "early": early,
            "day": now.date(),
            "branch": branch_id,
            "counter": counter_id,
            "staff": staff_id,
        },
    ).all()
    if not rows:  # no municipality configured: the engine says so
        return Pick(None, 0, (), None, "", "")
    first = rows[0]
    policy_name = str(first.dispatch_policy)
    service_ids = {row.service_id for row in rows if row.id is not None}
    codes = {i: s.code for i, s in _configuration(session, service_ids).services.items()}
    heads = tuple(_head(row, codes) for row in rows if row.id is not None)
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


def record_event(
    session: Session,
    *,
    at: datetime,
    kind: str,
    staff_id: int | None,
    workstation: str,
    branch_id: int | None,
    ticket_id: int | None,
    appointment_id: int | None,
    counter_id: int | None,
    data: dict[str, Any],
) -> None:
    """``loket.events.append`` in one statement: the insert, and on PostgreSQL the
    notification in the same statement."""
    stmt = insert(_EVENT).values(
        at=at,
        kind=kind,
        branch_id=branch_id,
        ticket_id=ticket_id,
        appointment_id=appointment_id,
        counter_id=counter_id,
        staff_id=staff_id,
        workstation=workstation,
        data=data,
    )
    if session.get_bind().dialect.name == "postgresql":
        inserted = stmt.returning(_EVENT.c.id).cte("inserted")
        session.execute(select(func.pg_notify(NOTIFY_CHANNEL, cast(inserted.c.id, String))))
    else:
        session.execute(stmt)


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
    """Mark ``head`` called and record it; False (nothing changed) when the counter
    turned out to be busy."""
    if session.get_bind().dialect.name != "postgresql":
        # SQLite: BEGIN IMMEDIATE holds the database since the heads were read, so the
        # counter is still free and the ticket still waiting.
        t = _TICKET.c
        called = (
            update(_TICKET)
            .where(t.id == head.waiting.id, t.status == TicketStatus.WAITING)
            .values(
                status=TicketStatus.CALLED,
                counter_id=counter_id,
                staff_id=staff_id,
                call_count=t.call_count + 1,
                last_called_at=now,
                first_called_at=func.coalesce(t.first_called_at, now),
            )
        )
        if not getattr(session.execute(called), "rowcount", 0):
            return False
        record_event(
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
    # One statement: the update, the event (only if the update happened) and the notify.
    notified = session.execute(
        _PG_CALL,
        {
            "ticket": head.waiting.id,
            "counter": counter_id,
            "staff": staff_id,
            "now": now,
            "day": now.date(),
            "branch": branch_id,
            "appointment": head.appointment_id,
            "workstation": workstation,
            "data": json.dumps(data),
        },
    )
    return len(notified.all()) == 1


_PG_CALL = text(
    f"""
WITH called AS (
  UPDATE ticket SET status = 'called', counter_id = :counter, staff_id = :staff,
    call_count = call_count + 1, last_called_at = :now,
    first_called_at = COALESCE(first_called_at, :now)
  WHERE id = :ticket AND status = 'waiting'
    AND NOT EXISTS (SELECT 1 FROM ticket busy
                    WHERE busy.counter_id = :counter AND busy.day = :day
                      AND busy.status IN ('called', 'serving'))
  RETURNING id),
event AS (
  INSERT INTO event (at, kind, branch_id, ticket_id, appointment_id, counter_id, staff_id,
                     workstation, data)
  SELECT :now, 'ticket.called', :branch, called.id, :appointment, :counter, :staff,
         :workstation, CAST(:data AS JSON)
  FROM called RETURNING id)
SELECT pg_notify('{NOTIFY_CHANNEL}', CAST(event.id AS TEXT)) FROM event
"""
).bindparams(
    bindparam("now", type_=DateTime()),
    bindparam("day", type_=Date()),
    bindparam("staff", type_=Integer()),
    bindparam("appointment", type_=Integer()),
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
    if not lock_counter(session, counter.id, postgres_too=False):
        cache.invalidate()
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
        predicted_wait_minutes=_minutes(head.predicted_wait_seconds),
        needs_assistance=head.waiting.needs_assistance,
        appointment_reference=head.reference,
        transfer_note=head.transfer_note,
        reason=found.reason,
    )
    return view, found.reason


def _minutes(seconds: int | None) -> int | None:
    return round(seconds / 60) if seconds is not None else None


def _parse_number(number: str) -> tuple[str, int] | None:
    """("A", 12) for "A 12" or "a12"; None for anything the engine should refuse."""
    cleaned = number.replace(" ", "").upper()
    prefix = cleaned.rstrip("0123456789")
    digits = cleaned[len(prefix) :]
    if not prefix or not digits or len(prefix) > 2 or len(digits) > 6:
        return None
    return prefix, int(digits)


_RETURNED = (
    _TICKET.c.id,
    _TICKET.c.branch_id,
    _TICKET.c.prefix,
    _TICKET.c.sequence,
    _TICKET.c.service_id,
    _TICKET.c.kind,
    _TICKET.c.status,
    _TICKET.c.issued_at,
    _TICKET.c.wait_from,
    _TICKET.c.appointment_at,
    _TICKET.c.last_called_at,
    _TICKET.c.started_at,
    _TICKET.c.counter_id,
    _TICKET.c.call_count,
    _TICKET.c.predicted_wait_seconds,
    _TICKET.c.needs_assistance,
    _TICKET.c.appointment_id,
    _TICKET.c.transfer_note,
)


def _transition(
    session: Session,
    ctx: Context,
    branch_code: str,
    number: str,
    *,
    before: TicketStatus,
    after: TicketStatus,
    kind: str,
    values: dict[str, Any],
    extra: Any = None,
) -> TicketView | None:
    """One guarded ``UPDATE … RETURNING`` by number plus the event; None (nothing
    changed) when the engine should answer: unknown branch or number, another status."""
    now, staff_id, workstation = ctx.now, ctx.actor.staff_id, ctx.actor.workstation
    cache = config_cache.cache_for(session.get_bind().engine.url)
    branch = cache.get(session).branches.get(branch_code)
    parsed = _parse_number(number)
    if branch is None or parsed is None:
        return None
    t = _TICKET.c
    row = session.execute(
        update(_TICKET)
        .where(
            t.branch_id == branch.id,
            t.day == now.date(),
            t.prefix == parsed[0],
            t.sequence == parsed[1],
            t.status == before,
        )
        .values(status=after, **values)
        .returning(*_RETURNED)
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
        if extra is not None:
            extra(row)
        reference = session.scalar(
            select(_APPOINTMENT.c.reference).where(_APPOINTMENT.c.id == row.appointment_id)
        )
    if kind == "ticket.finished":
        started = row.started_at or now
        data["outcome"] = values["outcome"]
        data["served_seconds"] = int((now - started).total_seconds())
    record_event(
        session,
        at=now,
        kind=kind,
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
        issued_at=row.issued_at,
        wait_from=row.wait_from,
        appointment_at=row.appointment_at,
        called_at=row.last_called_at,
        counter=counter.number if counter else None,
        call_count=int(row.call_count or 0),
        predicted_wait_minutes=_minutes(row.predicted_wait_seconds),
        needs_assistance=bool(row.needs_assistance),
        appointment_reference=reference,
        transfer_note=row.transfer_note,
    )


def start(
    session: Session,
    ctx: Context,
    branch_code: str,
    number: str,
) -> TicketView | None:
    """The fast "start": None when the engine should answer (see ``_transition``)."""
    values: dict[str, Any] = {"started_at": ctx.now}
    if ctx.actor.staff_id:
        values["staff_id"] = ctx.actor.staff_id
    return _transition(
        session,
        ctx,
        branch_code,
        number,
        before=TicketStatus.CALLED,
        after=TicketStatus.SERVING,
        kind="ticket.started",
        values=values,
    )


def finish(
    session: Session,
    ctx: Context,
    branch_code: str,
    number: str,
    outcome: str,
) -> TicketView | None:
    """The fast "finish" with a known outcome: None when the engine should answer."""

    def complete_appointment(row: Any) -> None:
        session.execute(
            update(_APPOINTMENT)
            .where(_APPOINTMENT.c.id == row.appointment_id)
            .values(status=AppointmentStatus.COMPLETED)
        )

    return _transition(
        session,
        ctx,
        branch_code,
        number,
        before=TicketStatus.SERVING,
        after=TicketStatus.DONE,
        kind="ticket.finished",
        values={"finished_at": ctx.now, "outcome": outcome},
        extra=complete_appointment,
    )


# -- PostgreSQL: start and finish as one autocommit statement each -----------------------

_PG_STEP = """
WITH t AS (
  UPDATE ticket SET status = :after, {assign}
  WHERE branch_id = :branch AND day = :day AND prefix = :prefix AND sequence = :sequence
    AND status = :before
  RETURNING id, branch_id, prefix, sequence, service_id, kind, status, issued_at, wait_from,
    appointment_at, last_called_at, started_at, counter_id, call_count,
    predicted_wait_seconds, needs_assistance, appointment_id, transfer_note),
s AS (
  SELECT t.*, svc.code AS service_code,
    (SELECT a.reference FROM appointment a WHERE a.id = t.appointment_id) AS reference
  FROM t JOIN service svc ON svc.id = t.service_id),
{extra}e AS (
  INSERT INTO event (at, kind, branch_id, ticket_id, appointment_id, counter_id, staff_id,
                     workstation, data)
  SELECT :now, :event, s.branch_id, s.id, s.appointment_id, s.counter_id, :staff,
    :workstation, json_build_object('number', s.prefix || ' ' || s.sequence,
      'service', s.service_code, 'kind', s.kind, 'status', s.status{data})
  FROM s RETURNING id)
SELECT s.*, pg_notify('{channel}', e.id::text) AS notified FROM s, e
"""

_PG_START = _typed_step(
    _PG_STEP.format(
        assign="started_at = :now, staff_id = COALESCE(:staff, staff_id)",
        extra="",
        data="",
        channel=NOTIFY_CHANNEL,
    )
)
_PG_FINISH = _typed_step(
    _PG_STEP.format(
        assign="finished_at = :now, outcome = :outcome",
        extra="""done AS (
  UPDATE appointment SET status = 'completed'
  WHERE id = (SELECT appointment_id FROM t) RETURNING id),
""",
        data=""",
      'outcome', CAST(:outcome AS TEXT),
      'served_seconds', CAST(TRUNC(EXTRACT(EPOCH FROM (:now - COALESCE(s.started_at, :now))))
                             AS INTEGER)""",
        channel=NOTIFY_CHANNEL,
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
        predicted_wait_minutes=_minutes(row.predicted_wait_seconds),
        needs_assistance=bool(row.needs_assistance),
        appointment_reference=row.reference,
        transfer_note=row.transfer_note,
    )
