"""Each branch's waiting tickets of today, kept by the process and brought up to date
from the event log (SQLite).

Every ticket issued is given a predicted wait, and the prediction replays the whole
queue: at 5,000 waiting, reading those 5,000 rows into Python objects was a third of
issuing a ticket on SQLite. Between two tickets only a few change, and every change to
a ticket is recorded in the event log in its own transaction (``loket.events``: "every
state change"), so a process keeps the list and reads, per prediction, only the
tickets named by the events since the last one it saw, in one statement.

Why this is safe on SQLite: writers take turns, so the events a reader sees are always
all of those up to the highest id it sees (no later commit fills a gap below it). A
reader whose snapshot does not hold the last event the list saw (another database at
the same address, a restored backup, an older snapshot in another thread) reads the
whole list again, as does one that finds too many changes or a list older than
``FULL_READ_AFTER`` (an edit made outside Loket, without an event, counts from then).
PostgreSQL's ids are drawn before commit, so there a later commit can fill a gap: its
list follows the writing transactions instead (``loket.waiting_list_pg``).

Both lists keep a ticket as its service, its moment in whole microseconds since 2000
(PostgreSQL's own form) and whether it has a time, and hand the prediction the same
columns (``columns``); this module holds those shared pieces.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import repeat
from operator import itemgetter, sub
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine

L = TypeVar("L")
# By ticket id: (service id, waiting since as whole microseconds since 2000-01-01 (as
# PostgreSQL keeps a timestamp), 1 for an appointment with a time); both databases.
Row = tuple[int, int, int]

_EPOCH = datetime(2000, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def microseconds(moment: datetime) -> int:
    """``moment`` as PostgreSQL keeps it: whole microseconds since 2000-01-01."""
    return (moment - _EPOCH) // _MICROSECOND


@dataclass(frozen=True)
class WaitingColumns:
    """The waiting tickets as the prediction takes them: the walk-ins (and appointments
    without a time) as columns in the order they came (by id: service ids,
    microseconds from now to their waiting since), and the ids of the appointments with
    a time."""

    service_ids: list[int]
    offsets: list[int]
    timed: list[int]


def columns(rows: dict[int, Row], exclude: int, now: datetime) -> WaitingColumns:
    """A list (by id) as the prediction takes it, without ``exclude``."""
    if exclude in rows:
        rows = {tid: row for tid, row in rows.items() if tid != exclude}
    values = list(rows.values())
    timed: list[int] = []
    if any(map(itemgetter(2), values)):
        timed = [tid for tid, row in rows.items() if row[2]]
        values = [row for row in values if not row[2]]
    moments = map(itemgetter(1), values)
    offsets = list(map(sub, moments, repeat(microseconds(now))))
    return WaitingColumns(list(map(itemgetter(0), values)), offsets, timed)


FULL_READ_AFTER = 60.0  # seconds
MAX_CHANGES = 500  # events since the last read; more, and the whole list is read

_TIMED = "CASE WHEN t.kind = 'appointment' AND t.appointment_at IS NOT NULL THEN 1 ELSE 0 END"
_WHOLE = f"""SELECT t.service_id, t.wait_from, {_TIMED}, t.id
FROM ticket t
WHERE t.branch_id = ? AND t.day = ? AND t.status = 'waiting'
ORDER BY t.id"""
_NEWEST = "SELECT id, at FROM event ORDER BY id DESC LIMIT 1"
# From the last event seen (to tell it is still there), each later one with its
# ticket as it is now (a ticket named twice comes twice, the same both times); at
# most the last seen and one more than ``MAX_CHANGES``.
_CHANGES = f"""SELECT e.id, e.at, t.id, t.branch_id, t.day, t.status, t.service_id,
  t.wait_from, {_TIMED}
FROM event e LEFT JOIN ticket t ON t.id = e.ticket_id
WHERE e.id >= ?
ORDER BY e.id
LIMIT ?"""


@dataclass
class _List:
    day: str
    last_event: int
    last_at: str | None
    read_at: float
    rows: dict[int, Row] = field(default_factory=dict)


_REGISTRIES: list[PerEngine[Any]] = []


@dataclass
class Lists(Generic[L]):
    """One engine's lists, by branch, with the lock their readers take turns on."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    by_branch: dict[int, L] = field(default_factory=dict)


class PerEngine(Generic[L]):
    """The process's lists per database engine (gone with the engine); ``forget``
    drops an engine's lists from every registry, whichever database it is."""

    def __init__(self) -> None:
        self._lists: weakref.WeakKeyDictionary[Engine, Lists[L]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        _REGISTRIES.append(self)

    def of(self, engine: Engine) -> Lists[L]:
        with self._lock:
            return self._lists.setdefault(engine, Lists())

    def forget(self, engine: Engine) -> None:
        with self._lock:
            self._lists.pop(engine, None)


_KEPT: PerEngine[_List] = PerEngine()


def waiting(
    connection: Connection, branch_id: int, day: date, now: datetime, exclude: int = -1
) -> WaitingColumns:
    """The tickets waiting on ``day`` at ``branch_id`` as they are in ``connection``'s
    transaction, without ``exclude``, offsets counted from ``now``. ``connection`` is
    SQLite's, in a transaction (one snapshot for both reads)."""
    lists = _KEPT.of(connection.engine)
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    cursor = driver.cursor()
    try:
        with lists.lock:
            current = lists.by_branch.get(branch_id)
            if current is None or not _caught_up(cursor, current, branch_id, day.isoformat()):
                current = _read_whole(cursor, branch_id, day.isoformat())
                lists.by_branch[branch_id] = current
            found = columns(current.rows, exclude, now)
    except BaseException:
        with lists.lock:
            lists.by_branch.pop(branch_id, None)  # half brought up to date
        raise
    finally:
        cursor.close()
    return found


def forget(engine: Engine) -> None:
    """Drop this process's lists for ``engine`` (SQLite's or PostgreSQL's): the next
    prediction reads the queue whole (after an edit outside Loket, which records no
    event)."""
    for registry in _REGISTRIES:
        registry.forget(engine)


def _read_whole(cursor: sqlite3.Cursor, branch_id: int, day: str) -> _List:
    newest = cursor.execute(_NEWEST).fetchone()
    last_event, last_at = (int(newest[0]), str(newest[1])) if newest else (0, None)
    rows = {
        tid: (service_id, _stored(moment), timed)
        for service_id, moment, timed, tid in cursor.execute(_WHOLE, (branch_id, day))
    }
    return _List(day, last_event, last_at, time.monotonic(), rows)


def _caught_up(cursor: sqlite3.Cursor, current: _List, branch_id: int, day: str) -> bool:
    """Bring ``current`` up to date from the events after its last; False when the
    whole list must be read instead (``current`` is then left as it was)."""
    if current.day != day or time.monotonic() - current.read_at > FULL_READ_AFTER:
        return False
    changes = cursor.execute(_CHANGES, (current.last_event, MAX_CHANGES + 2)).fetchall()
    if current.last_at is not None:
        if not changes or changes[0][0] != current.last_event or changes[0][1] != current.last_at:
            return False  # not the database, or not the snapshot, this list was read from
        changes = changes[1:]
    if len(changes) > MAX_CHANGES:
        return False
    if not changes:
        return True
    current.rows = apply(
        current.rows,
        (
            (
                tid,
                (service_id, _stored(moment), timed)
                if branch == branch_id and ticket_day == day and status == "waiting"
                else None,
            )
            for _event, _at, tid, branch, ticket_day, status, service_id, moment, timed in changes
            if tid is not None
        ),
    )
    current.last_event, current.last_at = int(changes[-1][0]), str(changes[-1][1])
    return True


def apply(rows: dict[int, Row], changes: Iterable[tuple[int, Row | None]]) -> dict[int, Row]:
    """``rows`` (by id) with each changed ticket as it is now: its row while it waits
    here, None once it does not. Changed in place; a new dict when a ticket waits again
    below the highest id (transferred, parked and called back), to keep the order."""
    in_order = True
    newest = next(reversed(rows), 0)  # kept in order of id: the last is the highest
    for tid, row in changes:
        if row is None:
            rows.pop(tid, None)
            continue
        if tid not in rows and tid < newest:
            in_order = False
        rows[tid] = row
        newest = max(newest, tid)
    return rows if in_order else dict(sorted(rows.items()))


def _stored(moment: str) -> int:
    """A moment as SQLite stores it (ISO text), in microseconds since 2000: exact, where
    SQLite's own date functions round to the millisecond."""
    return microseconds(datetime.fromisoformat(moment))
