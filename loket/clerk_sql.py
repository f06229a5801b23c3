"""The clerk's cycle (call next, start, finish) in a few statements: what both databases
share, and PostgreSQL's start and finish.

The general queue engine (``loket.tickets``) loads ORM objects and checks every rule in
Python; that is clear, but a cycle cost 31 statements and, for "call next", reading and
ranking the whole waiting queue. The fast paths do the three transitions a clerk repeats
all day in a handful of statements and hand anything unusual back to the engine (a
refusal, an unknown number, a policy without SQL), which then answers exactly as before:

* **call next** reads, for every service this counter (and its clerk) may serve, only
  the heads the scheduler can prefer (``GROUPS``): the walk-in waiting longest, the due
  appointment waiting longest, the same two among those still within the wait norm
  (the scheduler serves those before tickets already past it), and the appointment due
  soonest within the early-call window. Within one service, one of those orders and one
  band of waiting (within the norm, past it, past the hard limit) the scheduler's key
  only grows with the wait (then the number decides), so the ticket it would pick from
  the whole queue is always one of the heads. Both databases rank the heads by the
  scheduler's key in SQL (``loket.ranking_sql``): PostgreSQL locks them and calls the
  pick in one statement (``loket.call_next_pg``); SQLite ranks them in its write
  transaction and then calls the pick (``loket.clerk_sqlite``).
  tests/loket/test_clerk_sql.py compares both with the scheduler on random queues.
* **start** and **finish**: one ``UPDATE … RETURNING`` by the ticket's number, guarded
  by its status, with the event (``at_once`` here on PostgreSQL: one autocommit
  statement with ``pg_notify``; ``loket.clerk_sqlite.step`` on SQLite).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    String,
    bindparam,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from loket import config_cache, events, logging_setup, pg_driver
from loket.config_cache import Configuration
from loket.db import Database, unavailable
from loket.models import TicketStatus
from loket.ranking_sql import SQLITE, municipality_columns, ranking_ctes, reason_sql
from loket.tickets import Context, get_branch
from loket.views import TicketView

# Policies whose pick from the whole queue is always one of the heads (see above).
HEAD_POLICIES = frozenset({"loket", "longest_wait"})


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

HEAD_COLUMNS = (
    "t.id, t.prefix, t.sequence, t.service_id, t.kind, t.issued_at, t.wait_from, "
    "t.appointment_at, t.needs_assistance, t.call_count, t.predicted_wait_seconds, "
    "t.appointment_id, t.transfer_note, t.language"
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

# When nobody can be called, what the clerk is told (``tickets.nobody_to_call``): the
# first appointment of the counter's services not yet callable, and whether anything
# waits that could be (a head, also one another counter is calling at this moment).
NEXT_APPOINTMENT_SQL = f"""(SELECT MIN(t.appointment_at) FROM ticket t
   WHERE t.service_id IN (SELECT service_id FROM svc) AND t.kind = 'appointment'
     AND t.appointment_at > :early AND {_COMMON})"""
CALLABLE_SQL = f"""EXISTS (SELECT 1 FROM ticket t
   WHERE t.service_id IN (SELECT service_id FROM svc)
     AND NOT COALESCE(t.kind = 'appointment' AND t.appointment_at > :early, FALSE)
     AND {_COMMON})"""


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


def _heads_sql() -> str:
    """The heads statement (see the module's docstring), SQLite's form: the counter's
    heads ranked, and the pick with the clerk's reason."""
    # No row locks in SQLite: the write transaction already holds the database. Per
    # service and order a correlated subquery finds the head's id on ix_ticket_queue.
    picks = ",\n".join(
        f"    ({group_head_sql(condition, order, 't.id', False)}) AS h{i}"
        for i, (condition, order) in enumerate(GROUPS)
    )
    return f"""WITH m AS (
  SELECT {municipality_columns(SQLITE)} FROM municipality ORDER BY id LIMIT 1),
{SERVICES_SQL},
picks AS (
  SELECT svc.service_id, svc.speed,
{picks}
  FROM svc
),
heads AS (
  SELECT {HEAD_COLUMNS}, p.speed
  FROM picks p JOIN ticket t ON t.id IN ({", ".join(f"p.h{i}" for i in range(len(GROUPS)))})
),
{ranking_ctes(SQLITE)}
SELECT
  (SELECT b.prefix || ' ' || b.sequence FROM ticket b
   WHERE b.counter_id = :counter AND b.day = :day AND b.status IN ('called', 'serving')
   LIMIT 1) AS busy,
  (SELECT COUNT(*) FROM svc) AS services,
  COALESCE(c.heads, (SELECT COUNT(*) FROM heads)) AS heads,
  {NEXT_APPOINTMENT_SQL} AS next_appointment,
  m.wait_norm_minutes, m.policy,
  c.id, c.number, c.service_id, c.kind, c.issued_at, c.wait_from, c.appointment_at,
  c.needs_assistance, c.call_count, c.predicted_wait_seconds, c.appointment_id,
  (SELECT a.reference FROM appointment a WHERE a.id = c.appointment_id) AS reference,
  c.transfer_note, c.language, {reason_sql(SQLITE)} AS reason
FROM m LEFT JOIN chosen c ON 1 = 1"""


@typing.overload
def moment(value: datetime | str) -> datetime: ...
@typing.overload
def moment(value: None) -> None: ...
def moment(value: datetime | str | None) -> datetime | None:
    """A stored moment: PostgreSQL's driver gives a datetime, SQLite the text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


HEADS_SQLITE = _heads_sql()
DEFAULT_NORM_MINUTES = 5


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


class Columns(Protocol):
    """A row by column name: ``sqlite3.Row`` or a mapping."""

    def __getitem__(self, name: str, /) -> Any: ...


@dataclass(frozen=True)
class Pick:
    """SQLite: what the heads statement found: a ticket the counter still holds, how
    many heads it ranked, and the scheduler's pick among them (the statement's row:
    ``HEADS_SQLITE``'s columns) with the clerk's reason."""

    busy: str | None
    services: int
    heads: int
    chosen: Columns | None
    reason: str
    policy_name: str
    # The first appointment of this counter's services not yet callable (no heads: the
    # clerk is told when it is due).
    next_appointment: datetime | None = None


def branch_id(session: Session, code: str) -> int:
    """The branch's id from the per-process configuration; ``NotFound`` as the engine
    says it for an unknown code."""
    cache = config_cache.cache_for(session.get_bind().engine.url)
    branch = cache.get(session).branches.get(code)
    return branch.id if branch is not None else get_branch(session, code).id


def minutes(seconds: int | None) -> int | None:
    return round(seconds / 60) if seconds is not None else None


def parse_number(number: str) -> tuple[str, int] | None:
    """("A", 12) for "A 12" or "a12"; None for anything the engine should refuse."""
    cleaned = number.replace(" ", "").upper()
    prefix = cleaned.rstrip("0123456789")
    digits = cleaned[len(prefix) :]
    if not prefix or not digits or len(prefix) > 2 or len(digits) > 6:
        return None
    return prefix, int(digits)


# "start" and "finish": one guarded update by the printed number, returning the ticket.
STEP_UPDATE = """UPDATE ticket SET status = :after, {assign}
  WHERE branch_id = :branch AND day = :day AND prefix = :prefix AND sequence = :sequence
    AND status = :before
  RETURNING id, branch_id, prefix, sequence, service_id, kind, status, issued_at, wait_from,
    appointment_at, last_called_at, started_at, counter_id, call_count,
    predicted_wait_seconds, needs_assistance, appointment_id, transfer_note, language"""
START_ASSIGN = "started_at = :now, staff_id = COALESCE(:staff, staff_id)"
FINISH_ASSIGN = "finished_at = :now, outcome = :outcome"

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
        update=STEP_UPDATE.format(assign=START_ASSIGN),
        extra="",
        event=_PG_EVENT.format(data=""),
        notify=events.notify_sql("e.id"),
    )
)
_PG_FINISH = _typed_step(
    _PG_STEP.format(
        update=STEP_UPDATE.format(assign=FINISH_ASSIGN),
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
    PostgreSQL (autocommit: no BEGIN, no COMMIT round trip; SQLite:
    ``loket.clerk_sqlite.step``). None, with nothing changed, when the engine should
    answer."""
    parsed = parse_number(number)
    if parsed is None:
        return None
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            cache = config_cache.cache_for(db.engine.url)
            config = cache.current(lambda: Session(conn))
            branch = config.branches.get(branch_code)
            if branch is None:
                return None
            found = pg_driver.rows(
                conn,
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
            )
            if not found:
                return None
            row = found[0]
            if row.service_id not in config.services:  # added a moment ago
                config = cache.current(lambda: Session(conn), reload=True)
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
    return stepped_view(row._asdict(), config, branch.code, row.reference)


def stepped_view(
    row: Columns, config: Configuration, branch: str, reference: str | None
) -> TicketView:
    """The ticket a start or finish just changed, from the guarded update's row
    (``STEP_UPDATE``'s columns; moments as text on SQLite, datetimes on PostgreSQL)."""
    service = config.services[row["service_id"]]
    counter = config.counters_by_id.get(row["counter_id"]) if row["counter_id"] else None
    return TicketView(
        id=row["id"],
        number=f"{row['prefix']} {row['sequence']}",
        branch=branch,
        service=service.code,
        service_name=service.name_nl,
        service_names=dict(service.names),
        kind=str(row["kind"]),
        status=str(row["status"]),
        issued_at=moment(row["issued_at"]),
        wait_from=moment(row["wait_from"]),
        appointment_at=moment(row["appointment_at"]),
        called_at=moment(row["last_called_at"]),
        counter=counter.number if counter else None,
        call_count=int(row["call_count"] or 0),
        predicted_wait_minutes=minutes(row["predicted_wait_seconds"]),
        needs_assistance=bool(row["needs_assistance"]),
        appointment_reference=reference,
        transfer_note=row["transfer_note"],
        language=str(row["language"]),
    )
