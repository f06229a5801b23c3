"""The live prediction's small reads on SQLite, on the driver's own connection.

``loket.queue_state._small_reads`` reads the same things one statement at a time
through SQLAlchemy: at 5,000 waiting its compiling, execution and result machinery was
a sixth of issuing a ticket, more than SQLite took to answer. Here the same statements
go straight to ``sqlite3`` (as ``loket.clerk_sqlite`` does), and the speeds at the
staffed counters come as ``loket_counter_speeds`` gives them on PostgreSQL (counter,
service, speed of whoever the last presence event put there), so
``queue_state._state`` takes both databases' reads the same way.

Values come back as SQLAlchemy gives them: moments (stored as text) as datetimes,
event data and the plan (stored as JSON text) as dicts. ``tests/loket/test_live_reads``
checks both against the separate reads.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from loket.live_reads import PRESENCE_KINDS, SmallReads

_KINDS = ", ".join(f"'{kind}'" for kind in PRESENCE_KINDS)

_MEANS = """SELECT s.id, s.code, s.duration_minutes,
  (SELECT m.wait_norm_minutes FROM municipality m LIMIT 1),
  (SELECT m.dispatch_policy FROM municipality m LIMIT 1)
FROM service s ORDER BY s.id"""
# One select per status, as ``queue_state._AT_COUNTERS``: the index finds the few.
_AT_COUNTERS = """SELECT id, service_id, counter_id, started_at, last_called_at FROM ticket
WHERE branch_id = :branch AND day = :day AND status = 'called'
UNION ALL
SELECT id, service_id, counter_id, started_at, last_called_at FROM ticket
WHERE branch_id = :branch AND day = :day AND status = 'serving'"""
# Per counter of the branch its latest presence event of today, walking back from its
# newest (``ix_event_counter_at``, migration 0017): a few rows read per counter, however
# many events the day or the years before it hold. (PostgreSQL's form,
# ``loket.live_reads.LATEST_PRESENCE``, made SQLite read every presence event by kind
# and sort them: 0.8 s with 100,000 events.)
_LAST_PRESENCE = f"""SELECT c.id AS counter_id, (
    SELECT x.id FROM event x
    WHERE x.counter_id = c.id AND x.at >= :since AND x.branch_id = :branch
      AND x.kind IN ({_KINDS})
    ORDER BY x.at DESC, x.id DESC LIMIT 1) AS last
FROM counter c WHERE c.branch_id = :branch"""
_PRESENCE = f"""SELECT e.id, e.counter_id, e.staff_id, e.kind, e.data
FROM ({_LAST_PRESENCE}) p JOIN event e ON e.id = p.last
ORDER BY e.counter_id"""
_LOGOUTS = """SELECT staff_id, max(id) FROM event
WHERE at >= :since AND kind = 'staff.logout' AND staff_id IS NOT NULL
GROUP BY staff_id"""
_EQUIPMENT = """SELECT cs.counter_id, s.code
FROM counter_service cs JOIN service s ON s.id = cs.service_id
JOIN counter c ON c.id = cs.counter_id
WHERE c.branch_id = :branch AND c.active"""
# The skills of whoever the last presence event put at each counter; whether they
# still sit there (logged out, on a break) ``queue_state._staffed`` decides.
_SPEEDS = f"""SELECT e.counter_id, s.code, k.speed
FROM ({_LAST_PRESENCE}) p JOIN event e ON e.id = p.last
JOIN staff_skill k ON k.staff_id = e.staff_id
JOIN service s ON s.id = k.service_id
ORDER BY e.counter_id, s.code"""
_UPCOMING = """SELECT s.code, a.start FROM appointment a JOIN service s ON s.id = a.service_id
WHERE a.branch_id = :branch AND a.status = 'booked' AND a.start >= :from AND a.start < :until
ORDER BY a.start, a.id"""
_PLAN = """SELECT p.coverage, b.code FROM stored_plan p JOIN branch b ON b.id = :branch
WHERE p.day = :day ORDER BY p.version DESC LIMIT 1"""


def _text(moment: datetime) -> str:
    """A moment as SQLAlchemy stores it in SQLite (and so compares it)."""
    return moment.isoformat(" ", "microseconds")


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def read(connection: Connection, branch_id: int, now: datetime, plan: bool = True) -> SmallReads:
    """The small reads for the branch at ``now`` in ``connection``'s transaction (one
    snapshot), without the waiting tickets (``loket.waiting_list``); the day's plan
    only with ``plan``."""
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    day = now.date()
    params: dict[str, Any] = {
        "branch": branch_id,
        "day": day.isoformat(),
        "since": _text(datetime.combine(day, datetime.min.time())),
        "from": _text(now - timedelta(minutes=15)),
        "until": _text(now + timedelta(hours=3)),
    }
    cursor = driver.cursor()
    try:

        def rows(sql: str) -> list[Any]:
            return cursor.execute(sql, params).fetchall()

        means = [(i, c, m, n, p) for i, c, m, n, p in rows(_MEANS)]
        at_counters = [(t, s, c, _moment(a), _moment(b)) for t, s, c, a, b in rows(_AT_COUNTERS)]
        presence = [
            (e, c, s, k, None if d is None else json.loads(d)) for e, c, s, k, d in rows(_PRESENCE)
        ]
        logouts = [(int(s or 0), int(e or 0)) for s, e in rows(_LOGOUTS)]
        equipment = [(c, s) for c, s in rows(_EQUIPMENT)]
        speeds = [(c, s, v) for c, s, v in rows(_SPEEDS)]
        upcoming = [(c, datetime.fromisoformat(a)) for c, a in rows(_UPCOMING)]
        coverage: dict[str, Any] = {}
        if plan:
            found = rows(_PLAN)
            if found and found[0][0] is not None:
                coverage = dict(json.loads(found[0][0]).get(found[0][1], {}))
    finally:
        cursor.close()
    return SmallReads(
        means=means,
        at_counters=at_counters,
        presence=presence,
        logouts=logouts,
        equipment=equipment,
        speeds=speeds,
        upcoming=upcoming,
        coverage=coverage,
    )
