"""SQLite: the clerk's cycle (call next, start, finish) on the driver's own connection.

SQLite lets one writer in at a time: with 20 counter processes on one file, the time a
transaction holds the file is the time every other counter waits. Each step here is
one short ``BEGIN IMMEDIATE`` transaction (``Database.driver_write``) whose statements
go straight to ``sqlite3``: the heads of the counter's queues with the scheduler's pick
among them, ranked in SQL (``loket.clerk_sql``, ``loket.ranking_sql``), the update by
id, the event. The configuration is read before
the turn and the screen's view built after it. Anything unusual (a refusal, an unknown
number, a policy without heads) comes back as None, with nothing changed, and the
engine answers exactly as before.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from loket import config_cache, events, ranking_sql
from loket.clerk_sql import (
    DEFAULT_NORM_MINUTES,
    FINISH_ASSIGN,
    HEAD_POLICIES,
    HEADS_SQLITE,
    START_ASSIGN,
    STEP_UPDATE,
    Columns,
    Pick,
    minutes,
    moment,
    parse_number,
    stepped_view,
)
from loket.config_cache import Configuration
from loket.db import Database, DriverWrite
from loket.models import TicketStatus
from loket.tickets import Context, counter_busy, nobody_to_call
from loket.views import TicketView

_NORMS: dict[str, int] = {}  # per database: the wait norm the last call read


def _stored(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as SQLAlchemy stores them in SQLite: moments and days as text."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, datetime):
            out[key] = value.isoformat(" ", "microseconds")
        elif isinstance(value, date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def _rows(conn: sqlite3.Connection, sql: str, params: Mapping[str, Any]) -> list[sqlite3.Row]:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    try:
        return cursor.execute(sql, _stored(params)).fetchall()
    finally:
        cursor.close()


def configuration(db: Database) -> Configuration:
    """This process's configuration, read outside any write turn."""
    return config_cache.cache_for(db.engine.url).current(db.read)


def pick(
    conn: sqlite3.Connection,
    now: datetime,
    branch_id: int,
    counter_id: int,
    staff_id: int | None,
    key: str = "",
) -> Pick:
    """The heads of this counter's queues ranked, and the policy's pick, inside a SQLite
    write transaction (``loket.ranking_sql``)."""
    params: dict[str, Any] = {
        **ranking_sql.rule_params(now),
        "day": now.date(),
        "branch": branch_id,
        "counter": counter_id,
        "staff": staff_id,
    }
    # The norm is read by this statement itself (a change counts at once); the heads
    # within the norm need it in advance: the last norm seen, checked against the row
    # and asked again in the rare case it changed.
    guess = _NORMS.get(key, DEFAULT_NORM_MINUTES)
    rows = _rows(conn, HEADS_SQLITE, {**params, "savable": now - timedelta(minutes=guess)})
    if rows and int(rows[0]["wait_norm_minutes"]) != guess:
        guess = _NORMS[key] = int(rows[0]["wait_norm_minutes"])
        rows = _rows(conn, HEADS_SQLITE, {**params, "savable": now - timedelta(minutes=guess)})
    if not rows:  # no municipality configured: the engine says so
        return Pick(None, 0, 0, None, "", "")
    row = rows[0]
    busy = row["busy"]
    chosen = row if row["id"] is not None and busy is None else None
    return Pick(
        busy,
        int(row["services"] or 0),
        int(row["heads"]),
        chosen,
        str(row["reason"]) if chosen is not None else "",
        str(row["policy"]),
        moment(row["next_appointment"]),
    )


_CALL = """UPDATE ticket SET status = 'called', counter_id = :counter, staff_id = :staff,
    call_count = call_count + 1, last_called_at = :now,
    first_called_at = COALESCE(first_called_at, :now)
  WHERE id = :ticket AND status = 'waiting'"""

_EVENT = (
    f"INSERT INTO event ({', '.join(events.INSERTED_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in events.INSERTED_COLUMNS)}) RETURNING id"
)


def _record(write: DriverWrite, *, at: datetime, **columns: Any) -> None:
    """The event's row, and its log line once the transaction commits."""
    data = columns.pop("data")
    row = write.conn.execute(
        _EVENT, _stored({**columns, "at": at, "data": json.dumps(data)})
    ).fetchone()
    assert row is not None
    write.log(int(row[0]), **columns, data=data)


def call_next(
    db: Database, ctx: Context, branch_code: str, counter_number: int
) -> tuple[TicketView | None, str] | None:
    """The fast "call next"; None when the engine should answer (an unknown branch or
    counter, a counter without services, a policy without heads, nobody to call)."""
    now, staff_id, workstation = ctx.now, ctx.actor.staff_id, ctx.actor.workstation
    config = configuration(db)
    branch = config.branches.get(branch_code)
    counter = config.counters.get((branch.id, counter_number)) if branch else None
    if branch is None or counter is None:
        return None
    cache = config_cache.cache_for(db.engine.url)
    with db.driver_write() as write:
        found = pick(write.conn, now, branch.id, counter.id, staff_id, db.url)
        if found.policy_name == "":
            cache.invalidate()
            return None
        if found.busy is not None:
            raise counter_busy(counter_number, found.busy)
        if found.services == 0:
            cache.invalidate()  # switched off or re-equipped: the engine says so
        if found.policy_name not in HEAD_POLICIES:
            return None
        if found.services and not found.heads:
            # Nobody this counter may call: said here, without the engine's second
            # write transaction (a clerk pressing "next" on an empty queue kept every
            # other counter waiting for it).
            return None, nobody_to_call(found.next_appointment)
        if found.chosen is None:
            return None
        head = found.chosen
        service = config.services.get(head["service_id"])
        if service is None:
            return None  # a service added a moment ago: the engine knows it
        called = write.conn.execute(
            _CALL,
            _stored({"ticket": head["id"], "counter": counter.id, "staff": staff_id, "now": now}),
        )
        if called.rowcount != 1:
            return None
        wait_from = moment(head["wait_from"])
        _record(
            write,
            at=now,
            kind="ticket.called",
            staff_id=staff_id,
            workstation=workstation,
            branch_id=branch.id,
            ticket_id=head["id"],
            appointment_id=head["appointment_id"],
            counter_id=counter.id,
            data={
                "number": head["number"],
                "service": service.code,
                "kind": head["kind"],
                "status": TicketStatus.CALLED.value,
                "counter": counter_number,
                "call_count": int(head["call_count"] or 0) + 1,
                "waited_seconds": max(0, int((now - wait_from).total_seconds())),
                "predicted_wait_seconds": head["predicted_wait_seconds"],
                "reason": found.reason,
                "manual": False,
            },
        )
    return _called_view(config, branch.code, counter_number, head, now, found.reason), found.reason


def _called_view(
    config: Configuration, branch: str, counter: int, head: Columns, now: datetime, reason: str
) -> TicketView:
    """The ticket just called, from the heads statement's row."""
    service = config.services[head["service_id"]]
    return TicketView(
        id=head["id"],
        number=head["number"],
        branch=branch,
        service=service.code,
        service_name=service.name_nl,
        service_names=dict(service.names),
        kind=str(head["kind"]),
        status=TicketStatus.CALLED.value,
        issued_at=moment(head["issued_at"]),
        wait_from=moment(head["wait_from"]),
        appointment_at=moment(head["appointment_at"]),
        called_at=now,
        counter=counter,
        call_count=int(head["call_count"] or 0) + 1,
        predicted_wait_minutes=minutes(head["predicted_wait_seconds"]),
        needs_assistance=bool(head["needs_assistance"]),
        appointment_reference=head["reference"],
        transfer_note=head["transfer_note"],
        reason=reason,
        language=str(head["language"]),
    )


# "start" and "finish": the guarded update both databases run (``loket.clerk_sql``).
_START = STEP_UPDATE.format(assign=START_ASSIGN)
_FINISH = STEP_UPDATE.format(assign=FINISH_ASSIGN)
_COMPLETE = "UPDATE appointment SET status = 'completed' WHERE id = :id RETURNING reference"
_REFERENCE_OF = "SELECT reference FROM appointment WHERE id = :id"


def step(
    db: Database, ctx: Context, branch_code: str, number: str, outcome: str | None
) -> TicketView | None:
    """ "start" (``outcome`` None) or "finish": None, with nothing changed, when the
    engine should answer (an unknown branch or number, another status)."""
    now, staff_id = ctx.now, ctx.actor.staff_id or None
    config = configuration(db)
    branch = config.branches.get(branch_code)
    parsed = parse_number(number)
    if branch is None or parsed is None:
        return None
    after = TicketStatus.SERVING if outcome is None else TicketStatus.DONE
    before = TicketStatus.CALLED if outcome is None else TicketStatus.SERVING
    with db.driver_write() as write:
        rows = _rows(
            write.conn,
            _START if outcome is None else _FINISH,
            {
                "after": after.value,
                "before": before.value,
                "branch": branch.id,
                "day": now.date(),
                "prefix": parsed[0],
                "sequence": parsed[1],
                "now": now,
                "staff": staff_id,
                "outcome": outcome,
            },
        )
        if not rows:
            return None
        row = rows[0]
        if row["service_id"] not in config.services:
            return None  # a service added a moment ago: the engine knows it
        service = config.services[row["service_id"]]
        number_text = f"{row['prefix']} {row['sequence']}"
        data: dict[str, Any] = {
            "number": number_text,
            "service": service.code,
            "kind": str(row["kind"]),
            "status": after.value,
        }
        reference = None
        if row["appointment_id"] is not None:
            found = write.conn.execute(
                _COMPLETE if outcome is not None else _REFERENCE_OF, {"id": row["appointment_id"]}
            ).fetchone()
            reference = found[0] if found else None
        if outcome is not None:
            started = moment(row["started_at"]) or now
            data["outcome"] = outcome
            data["served_seconds"] = int((now - started).total_seconds())
        _record(
            write,
            at=now,
            kind="ticket.started" if outcome is None else "ticket.finished",
            staff_id=staff_id,
            workstation=ctx.actor.workstation,
            branch_id=row["branch_id"],
            ticket_id=row["id"],
            appointment_id=row["appointment_id"],
            counter_id=row["counter_id"],
            data=data,
        )
    return stepped_view(row, config, branch.code, reference)
