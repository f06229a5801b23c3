"""PostgreSQL: "call next" as one statement, the scheduler's ranking in SQL.

The heads of the counter's queues (``loket.clerk_sql``) are locked, ranked by the
scheduler's key (``loket.ranking_sql``, shared with SQLite), and the pick is marked
called, its event inserted and the feeds notified in the same statement, in autocommit:
one round trip, locks held for that statement only. (Ranking in Python took four round
trips with the heads locked meanwhile; with 20 counters working on two cores a call
could wait for its turn on the CPU between each of them.)

The statement checks that the counter holds nothing in the snapshot it started with;
two calls at one counter at the same moment are stopped by the database's unique index
``uq_ticket_counter_holds_one`` (migration 0015): the second fails and is told which
number the counter holds, as the engine says it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Integer, bindparam, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from loket import config_cache, events, logging_setup, pg_driver
from loket.clerk_sql import (
    CALLABLE_SQL,
    GROUPS,
    HEAD_COLUMNS,
    HEAD_POLICIES,
    NEXT_APPOINTMENT_SQL,
    SERVICES_SQL,
    group_head_sql,
    minutes,
)
from loket.db import Database, unavailable
from loket.dispatch_policies import LIVE_POLICIES
from loket.models import TicketStatus
from loket.ranking_sql import (
    POSTGRES,
    municipality_columns,
    ranking_ctes,
    reason_sql,
    rule_params,
)
from loket.tickets import Context, counter_busy, nobody_to_call
from loket.views import TicketView

# A live policy with no SQL ranking here: the statement leaves the ticket waiting and
# the engine picks (none today; a newly registered policy starts there).
_ENGINE_POLICIES = sorted(set(LIVE_POLICIES) - HEAD_POLICIES)
_BY_ENGINE = (
    "m.policy IN ({})".format(", ".join(f"'{name}'" for name in _ENGINE_POLICIES))
    if _ENGINE_POLICIES
    else "FALSE"
)


_HEADS = "\nUNION ALL\n".join(
    "SELECT svc.speed, svc.code, g.* FROM svc CROSS JOIN m CROSS JOIN LATERAL (\n"
    f"  {group_head_sql(condition.replace(':savable', 'm.savable'), order, HEAD_COLUMNS, True)}"
    "\n) g"
    for condition, order in GROUPS
)

_STATEMENT = f"""
WITH m AS (
  SELECT {municipality_columns(POSTGRES)},
    :now - wait_norm_minutes * INTERVAL '1 minute' AS savable
  FROM municipality ORDER BY id LIMIT 1),
{SERVICES_SQL},
heads AS (
{_HEADS}
),
{ranking_ctes(POSTGRES)},
reason AS (SELECT c.id, {reason_sql(POSTGRES)} AS text FROM chosen c CROSS JOIN m),
busy AS (
  SELECT b.prefix || ' ' || b.sequence AS number FROM ticket b
  WHERE b.counter_id = :counter AND b.day = :day AND b.status IN ('called', 'serving')
  LIMIT 1),
called AS (
  UPDATE ticket t SET status = 'called', counter_id = :counter, staff_id = :staff,
    call_count = t.call_count + 1, last_called_at = :now,
    first_called_at = COALESCE(t.first_called_at, :now)
  FROM m
  WHERE t.id = (SELECT id FROM chosen) AND t.status = 'waiting' AND NOT ({_BY_ENGINE})
    AND NOT EXISTS (SELECT 1 FROM busy)
  RETURNING t.id, t.call_count),
{
    events.insert_cte_sql(
        '''  SELECT :now, 'ticket.called', :branch, c.id, c.appointment_id, :counter, :staff,
    :workstation, json_build_object('number', c.number, 'service', c.code, 'kind', c.kind,
      'status', 'called', 'counter', :counter_number, 'call_count', called.call_count,
      'waited_seconds',
        GREATEST(0, CAST(TRUNC(EXTRACT(EPOCH FROM (:now - c.wait_from))) AS INTEGER)),
      'predicted_wait_seconds', c.predicted_wait_seconds, 'reason', r.text,
      'manual', FALSE)
  FROM called JOIN chosen c ON c.id = called.id JOIN reason r ON r.id = c.id''',
        "ev",
        returning="id, data",
    )
}
SELECT m.policy, (SELECT number FROM busy) AS busy, (SELECT COUNT(*) FROM svc) AS services,
  {NEXT_APPOINTMENT_SQL} AS next_appointment, {CALLABLE_SQL} AS callable,
  c.id, c.number, c.service_id, c.code, c.kind, c.issued_at, c.wait_from, c.appointment_at,
  c.needs_assistance, c.call_count, c.predicted_wait_seconds, c.appointment_id,
  (SELECT a.reference FROM appointment a WHERE a.id = c.appointment_id) AS reference,
  c.transfer_note, c.language, r.text AS reason, ev.id AS event_id, ev.data AS event_data,
  CASE WHEN ev.id IS NOT NULL THEN {events.notify_sql("ev.id")} END AS notified
FROM m LEFT JOIN chosen c ON TRUE LEFT JOIN reason r ON r.id = c.id LEFT JOIN ev ON TRUE
"""

STATEMENT = text(_STATEMENT).bindparams(
    bindparam("now", type_=DateTime()),
    bindparam("early", type_=DateTime()),
    bindparam("day", type_=Date()),
    bindparam("staff", type_=Integer()),
)

_BUSY = text(
    "SELECT prefix || ' ' || sequence FROM ticket WHERE counter_id = :counter AND day = :day"
    " AND status IN ('called', 'serving') LIMIT 1"
).bindparams(bindparam("day", type_=Date()))


@dataclass(frozen=True)
class Called:
    """What the statement did: the policy it found, a ticket the counter still holds,
    how many services the counter may serve, and the ticket it called (``row``)."""

    policy: str
    busy: str | None
    services: int
    row: Any
    # Nobody called: the first appointment not yet callable, and whether anything
    # waits that could be called (another counter may be calling it).
    next_appointment: datetime | None = None
    callable: bool = True


def run(
    conn: Connection,
    *,
    now: datetime,
    branch_id: int,
    counter_id: int,
    counter_number: int,
    staff_id: int | None,
    workstation: str,
) -> Called | None:
    """The statement on ``conn`` (autocommit in production; the property test runs it
    in a transaction it rolls back). None when there is no municipality yet."""
    found_rows = pg_driver.rows(
        conn,
        STATEMENT,
        {
            **rule_params(now),
            "day": now.date(),
            "branch": branch_id,
            "counter": counter_id,
            "counter_number": counter_number,
            "staff": staff_id,
            "workstation": workstation,
        },
    )
    if not found_rows:
        return None
    found = found_rows[0]
    row = found if found.event_id is not None else None
    return Called(
        str(found.policy),
        found.busy,
        int(found.services or 0),
        row,
        found.next_appointment,
        bool(found.callable),
    )


def call_next(
    db: Database, ctx: Context, branch_code: str, counter_number: int
) -> tuple[TicketView | None, str] | None:
    """The one-statement "call next"; None when the engine should answer (an unknown
    branch or counter, no services, nobody to call, a policy without SQL)."""
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            cache = config_cache.cache_for(db.engine.url)
            config = cache.current(lambda: Session(conn))
            branch = config.branches.get(branch_code)
            counter = config.counters.get((branch.id, counter_number)) if branch else None
            if branch is None or counter is None:
                return None
            try:
                called = run(
                    conn,
                    now=ctx.now,
                    branch_id=branch.id,
                    counter_id=counter.id,
                    counter_number=counter_number,
                    staff_id=ctx.actor.staff_id,
                    workstation=ctx.actor.workstation,
                )
            except IntegrityError:
                # Another call at this counter got in first (uq_ticket_counter_holds_one).
                busy = conn.scalar(_BUSY, {"counter": counter.id, "day": ctx.now.date()})
                called = Called("", busy, 1, None)
            if called is None:
                return None
            if called.busy is not None:
                raise counter_busy(counter_number, called.busy)
            if called.services == 0:
                cache.invalidate()  # switched off or re-equipped: the engine says so
            row = called.row
            if row is None:
                if called.services and not called.callable and called.policy in HEAD_POLICIES:
                    # Nobody this counter may call: said here, as on SQLite.
                    return None, nobody_to_call(called.next_appointment)
                return None
            if row.service_id not in config.services:
                config = cache.current(lambda: Session(conn), reload=True)
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc
    reason = str(row.reason)
    logging_setup.log_committed(
        events.logged(
            int(row.event_id),
            kind="ticket.called",
            branch_id=branch.id,
            ticket_id=row.id,
            appointment_id=row.appointment_id,
            counter_id=counter.id,
            staff_id=ctx.actor.staff_id,
            workstation=ctx.actor.workstation,
            data=row.event_data,
        )
    )
    service = config.services[row.service_id]
    view = TicketView(
        id=row.id,
        number=row.number,
        branch=branch.code,
        service=service.code,
        service_name=service.name_nl,
        service_names=dict(service.names),
        kind=str(row.kind),
        status=TicketStatus.CALLED.value,
        issued_at=row.issued_at,
        wait_from=row.wait_from,
        appointment_at=row.appointment_at,
        called_at=ctx.now,
        counter=counter_number,
        call_count=int(row.call_count) + 1,
        predicted_wait_minutes=minutes(row.predicted_wait_seconds),
        needs_assistance=bool(row.needs_assistance),
        appointment_reference=row.reference,
        transfer_note=row.transfer_note,
        reason=reason,
        language=str(row.language),
    )
    return view, reason


__all__ = ["STATEMENT", "Called", "call_next", "run"]
