"""The live prediction's small reads in one statement on PostgreSQL (issue 15).

``loket.queue_state.live_state`` needs, besides the waiting tickets, eight small things:
the services with their durations and the municipality's norm and policy, the visits at
the counters, the last presence event per counter and the last logout per colleague,
the counters' services, the speeds at the staffed counters (``loket_counter_speeds``),
the bookings still to come and the day's plan. Read one statement each through
SQLAlchemy they were half the cost of issuing a ticket at 5,000 waiting: eight round
trips, eight times the ORM's execution and result machinery. Here they come as one row
of JSON arrays from one statement, sent as written (``exec_driver_sql``: nothing to
compile; psycopg prepares it after a few runs, and PostgreSQL then keeps one plan for
any moment and any number of changed tickets: the statement is written so that the
plan that fits is the same for all of them). The values are the same: numbers as
PostgreSQL writes them (the shortest text that reads back to the same double), moments
as ISO text read with ``datetime.fromisoformat``. Orders are fixed (counter, then
event), where the separate reads left them to the plan.

The same statement brings the process's list of waiting tickets up to date
(``loket.waiting_list_pg``): the tickets changed since its last read, or, the first time
and when that cannot be trusted, every waiting ticket, as arrays.

SQLite keeps the separate reads (no round trips to save there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from loket import pg_driver, waiting_list, waiting_list_pg
from loket.waiting_list import WaitingColumns

# Events that show a counter is in use and by whom (``loket.queue_state._PRESENCE_KINDS``).
PRESENCE_KINDS = (
    "staff.status",
    "ticket.called",
    "ticket.recalled",
    "ticket.started",
    "ticket.finished",
    "ticket.no_show",
    "ticket.parked",
    "ticket.transferred",
)

_KINDS = ", ".join(f"'{kind}'" for kind in PRESENCE_KINDS)
# A counter's latest presence event (by moment, then id), whenever it was: today's
# latest when it is of today (``e.at >= since`` outside). Written so that one plan
# only fits, whatever the planner guesses: the counter's own newest entry of
# ``ix_event_counter_at`` (migration 0017), walking back. "Today" inside, or the
# counter as an equality (which drops it from the order), let PostgreSQL walk back
# through the day on ``ix_event_at`` instead, through every event of the day for a
# counter nobody used (2.5 ms per counter with a year's log).
LATEST_PRESENCE = """SELECT x.id FROM event x
    WHERE x.counter_id >= {counter} AND x.counter_id <= {counter}
      AND x.branch_id = {branch} AND x.kind IN ({kinds})
    ORDER BY x.counter_id DESC, x.at DESC, x.id DESC LIMIT 1"""
_LATEST = LATEST_PRESENCE.format(counter="c.id", branch="%(branch)s", kinds=_KINDS)
# Who sits where: per counter of the branch its latest presence event of today (see
# ``LATEST_PRESENCE``): a few rows per counter however long the event log. Today's
# logouts are one range of ``ix_event_kind_at``.
# PostgreSQL keeps a timestamp as whole microseconds since 2000-01-01, and sends it so
# in binary: read with the driver's loader for 8-byte integers (C), a waiting ticket's
# moment is that number, exact, with no datetime built and nothing computed per row.


def as_microseconds(cursor: Any) -> None:
    """Let ``cursor`` (psycopg, binary) read timestamps as microseconds since 2000."""
    from psycopg.types.numeric import Int8BinaryLoader

    cursor.adapters.register_loader("timestamp", Int8BinaryLoader)


_SQL = f"""SELECT
 (SELECT json_agg(json_build_array(s.id, s.code, s.duration_minutes,
    (SELECT m.wait_norm_minutes FROM municipality m LIMIT 1),
    (SELECT m.dispatch_policy FROM municipality m LIMIT 1)) ORDER BY s.id)
  FROM service s),
 (SELECT json_agg(json_build_array(t.id, t.service_id, t.counter_id, t.started_at,
    t.last_called_at) ORDER BY t.id)
  FROM (SELECT id, service_id, counter_id, started_at, last_called_at FROM ticket
        WHERE branch_id = %(branch)s AND day = %(day)s AND status = 'called'
        UNION ALL
        SELECT id, service_id, counter_id, started_at, last_called_at FROM ticket
        WHERE branch_id = %(branch)s AND day = %(day)s AND status = 'serving') t),
 (SELECT json_agg(json_build_array(e.id, e.counter_id, e.staff_id, e.kind, e.data)
    ORDER BY e.counter_id)
  FROM counter c JOIN event e ON e.id = ({_LATEST})
  WHERE c.branch_id = %(branch)s AND e.at >= %(since)s),
 (SELECT json_agg(json_build_array(staff_id, last))
  FROM (SELECT staff_id, max(id) AS last FROM event
        WHERE at >= %(since)s AND kind = 'staff.logout' AND staff_id IS NOT NULL
        GROUP BY staff_id) o),
 (SELECT json_agg(json_build_array(cs.counter_id, s.code) ORDER BY cs.counter_id, s.code)
  FROM counter_service cs JOIN service s ON s.id = cs.service_id
  JOIN counter c ON c.id = cs.counter_id
  WHERE c.branch_id = %(branch)s AND c.active),
 (SELECT json_agg(json_build_array(counter_id, service_code, speed))
  FROM loket_counter_speeds(%(branch)s, %(since)s)),
 (SELECT json_agg(json_build_array(s.code, a.start) ORDER BY a.start, a.id)
  FROM appointment a JOIN service s ON s.id = a.service_id
  WHERE a.branch_id = %(branch)s AND a.status = 'booked'
    AND a.start >= %(from)s AND a.start < %(until)s),
 (SELECT json_build_array(p.coverage, b.code)
  FROM stored_plan p JOIN branch b ON b.id = %(branch)s
  WHERE p.day = %(day)s ORDER BY p.version DESC LIMIT 1),
 w.services, w.moments, w.ids, w.timed, w.here, w.changed, w.snapshot, w.tbl, w.own
FROM {{waiting}}"""
# The statement with each of the waiting list's parts (``loket.waiting_list_pg``).
_STATEMENTS = {
    part: _SQL.format(waiting=part) for part in (waiting_list_pg.WHOLE, waiting_list_pg.CHANGES)
}


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@dataclass(frozen=True)
class SmallReads:
    """What ``live_state`` reads besides the waiting tickets, as plain values."""

    # (service id, code, minutes, norm minutes, policy)
    means: list[tuple[int, str, float, float, str]]
    # Visits at the counters: (ticket id, service id, counter id, started, last called)
    at_counters: list[tuple[int, int, int | None, datetime | None, datetime | None]]
    # The last presence event per counter: (event id, counter id, staff id, kind, data)
    presence: list[tuple[int, int, int | None, str, dict[str, Any] | None]]
    # The last logout per colleague: (staff id, event id)
    logouts: list[tuple[int, int]]
    # (counter id, service code) of the active counters of the branch
    equipment: list[tuple[int, str]]
    # (counter id, service code, speed) of whoever each counter's latest presence event
    # names (``loket_counter_speeds``: no names, no staff ids)
    speeds: list[tuple[int, str, float | None]]
    # Bookings still to come: (service code, start)
    upcoming: list[tuple[str, datetime]]
    # The branch's part of the day's current plan ({} without one)
    coverage: dict[str, Any]
    # The waiting tickets, when read with the rest (PostgreSQL): the walk-ins (and
    # appointments without a time) as columns in the order they came (by id: service
    # ids, microseconds from now to their waiting since), and the ids of the
    # appointments with a time
    waiting: WaitingColumns | None = None


def read(
    connection: Connection,
    branch_id: int,
    now: datetime,
    day: date | None = None,
    exclude: int = -1,
) -> SmallReads:
    """The small reads for the branch at ``now`` and the tickets waiting on ``day``
    (today) but ``exclude``, in one statement (PostgreSQL). On the driver's cursor, in
    binary: the waiting tickets come as arrays, no row per ticket to build."""
    since = datetime.combine(now.date(), datetime.min.time())
    waiting_day = day or now.date()
    params: dict[str, Any] = {
        "branch": branch_id,
        "day": now.date(),
        "since": since,
        "from": now - timedelta(minutes=15),
        "until": now + timedelta(hours=3),
        "waiting_day": waiting_day,
    }
    with waiting_list_pg.keeper(connection.engine, branch_id, waiting_day) as kept:
        row = _execute(connection, kept, params)
        if not kept.take(row[8:]):
            row = _execute(connection, kept, params)  # the whole list this time
            kept.take(row[8:])
        waiting = waiting_list.columns(kept.rows, exclude, now)
    means, at_counters, presence, logouts, equipment, speeds, upcoming = (
        value or [] for value in row[:7]
    )
    plan = row[7]
    coverage: dict[str, Any] = {}
    if plan is not None:
        whole, code = plan
        coverage = dict((whole or {}).get(code, {}))
    return SmallReads(
        means=[(i, c, m, n, p) for i, c, m, n, p in means],
        at_counters=[(t, s, c, _moment(a), _moment(b)) for t, s, c, a, b in at_counters],
        presence=[(e, c, s, k, d) for e, c, s, k, d in presence],
        logouts=[(s, e) for s, e in logouts],
        equipment=[(c, s) for c, s in equipment],
        speeds=[(c, s, v) for c, s, v in speeds],
        upcoming=[(c, datetime.fromisoformat(a)) for c, a in upcoming],
        coverage=coverage,
        waiting=waiting,
    )


def _execute(
    connection: Connection, kept: waiting_list_pg.Keeper, params: dict[str, Any]
) -> tuple[Any, ...]:
    """The statement with the waiting list's part, on the driver's cursor in binary:
    the waiting tickets come as arrays, no row per ticket to build."""
    waiting, extra = kept.part()
    sql = _STATEMENTS[waiting]
    with pg_driver.driver_errors(connection, sql):
        cursor = connection.connection.cursor(binary=True)
        as_microseconds(cursor)
        try:
            cursor.execute(sql, params | extra)
            row = cursor.fetchone()
        finally:
            cursor.close()
    assert row is not None
    return tuple(row)
