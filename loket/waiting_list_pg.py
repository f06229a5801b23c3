"""Each branch's waiting tickets of today, kept by the process and brought up to date
from the event log (PostgreSQL; SQLite: ``loket.waiting_list``).

Every ticket issued is given a predicted wait, and the prediction replays the whole
queue: at 5,000 waiting the server's read of every waiting ticket was a third of issuing
a ticket. Between two tickets only a few change, and every change to a ticket records an
event in the same transaction, so the process keeps the list and reads only the tickets
named by the events it has not seen, with the rest of the prediction's reads
(``loket.live_reads``: one statement).

Which events are new: ids come from a sequence and commit out of order, so "above the
last id seen" would miss one. Each event carries the transaction that wrote it
(``event.xact``, migration 0016), and each read keeps its snapshot
(``pg_current_snapshot()``, the statement's own). An event the last read did not see was
written by a transaction that snapshot held as running (its ``xip``) or that began at or
after its ``xmax`` and before this read's (an id further on was written on another
server and restored here, and would otherwise come back at every read; this
transaction's own id may be further on too: a snapshot's ``xmax`` is one past the last
transaction to end, not to begin): the read asks for exactly those and this
transaction's own, through ``ix_event_xact``, and joins their tickets as they are now.

The reader's own transaction is the exception: its changes are in the rows it reads but
may still roll back, and another session's later read need not find its events (a
snapshot does not list its own transaction as running). The tickets it touched are read
again by the next read, whoever's.

The whole list is read again when the snapshot of this read does not hold all the last
one held (another server, or a transaction that began earlier), when the ticket table
is not the one it was (a restore drops and recreates it), after more than
``MAX_CHANGES`` changed tickets, on a new day, and after ``FULL_READ_AFTER`` (an edit
made outside Loket, without an event, counts from then).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine

from loket.waiting_list import PerEngine, Row, apply

FULL_READ_AFTER = 60.0  # seconds
MAX_CHANGES = 500  # changed tickets since the last read; more, and the whole list is read

# The columns both reads end with: what they found, the statement's snapshot, the ticket
# table's identity, and the tickets this transaction itself changed.
_IDENTITY = """pg_current_snapshot()::text AS snapshot, 'ticket'::regclass::oid::int8 AS tbl,
  (SELECT array_agg(DISTINCT ticket_id) FROM event
   WHERE xact = pg_current_xact_id_if_assigned() AND ticket_id IS NOT NULL) AS own"""
_TIMED = "{t}kind = 'appointment' AND {t}appointment_at IS NOT NULL"
_HERE = "{t}branch_id = %(branch)s AND {t}day = %(waiting_day)s AND {t}status = 'waiting'"

# Every waiting ticket: (service ids, waiting since, ids, timed); "here" is all true.
WHOLE = f"""(SELECT array_agg(service_id) AS services, array_agg(wait_from) AS moments,
    array_agg(id) AS ids, array_agg({_TIMED.format(t="")}) AS timed, NULL::boolean[] AS here,
    count(*) AS changed, {_IDENTITY}
  FROM ticket WHERE {_HERE.format(t="")}) w"""

# The tickets named by events the last read did not see, and those to read again, as
# they are now; "here" tells which of them wait at the branch today. The named ones as an
# array, each then looked up by id: the planner cannot know how few they are, and as a
# join it read every ticket the database kept into a hash (10 ms with a year's tickets).
# The events since the last read name at most ``most`` tickets (more, and the whole list
# is read anyway): the planner cannot tell how many a range of transactions holds, and
# sized the union's hash for the whole log (2 ms to set up and free). The transactions
# still running then are looked up one by one (``ix_event_xact``): as "any of these"
# the planner read every event with a ticket instead (21 ms with a year's log).
CHANGES = f"""(SELECT array_agg(t.service_id) AS services, array_agg(t.wait_from) AS moments,
    array_agg(t.id) AS ids, array_agg({_TIMED.format(t="t.")}) AS timed,
    array_agg({_HERE.format(t="t.")}) AS here,
    count(*) AS changed, {_IDENTITY}
  FROM unnest(ARRAY(
        (SELECT DISTINCT ticket_id FROM event
         WHERE xact >= pg_snapshot_xmax(%(seen)s::pg_snapshot)
           AND xact < pg_snapshot_xmax(pg_current_snapshot()) AND ticket_id IS NOT NULL
         LIMIT %(most)s)
        UNION
        SELECT ticket_id FROM event
        WHERE xact = pg_current_xact_id_if_assigned() AND ticket_id IS NOT NULL
        UNION
        SELECT e.ticket_id FROM pg_snapshot_xip(%(seen)s::pg_snapshot) AS x(xact)
        JOIN event e ON e.xact = x.xact
        WHERE e.ticket_id IS NOT NULL
        UNION
        SELECT unnest(%(again)s::int8[])
        LIMIT %(most)s)) AS c(ticket_id)
  JOIN ticket t ON t.id = c.ticket_id) w"""


@dataclass
class _List:
    day: date
    snapshot: str
    table: int
    read_at: float
    again: list[int]
    rows: dict[int, Row] = field(default_factory=dict)


_KEPT: PerEngine[_List] = PerEngine()


@dataclass
class Keeper:
    """One read of one branch's list: which statement part to read with, then what it
    found (``take``)."""

    day: date
    current: _List | None

    @property
    def rows(self) -> dict[int, Row]:
        """The list as the last ``take`` left it (by id)."""
        return {} if self.current is None else self.current.rows

    def part(self) -> tuple[str, dict[str, Any]]:
        """The FROM item (``w``) to read the waiting tickets with, and its parameters."""
        current = self.current
        if current is None:
            return WHOLE, {}
        seen = {"seen": current.snapshot, "again": current.again, "most": MAX_CHANGES + 1}
        return CHANGES, seen

    def take(self, columns: tuple[Any, ...]) -> bool:
        """Apply the columns the part read; False when the whole list must be read."""
        services, moments, ids, timed, here, changed, snapshot, table, own = columns
        current = self.current
        if current is None:
            # In the order the server scanned them; the list is kept by id.
            found = zip(services or [], moments or [], timed or [], strict=True)
            rows = dict(sorted(zip(ids or [], found, strict=True)))
            self.current = _List(self.day, snapshot, table, time.monotonic(), own or [], rows)
            return True
        if (
            table != current.table
            or not _holds(snapshot, current.snapshot)
            or changed > MAX_CHANGES
        ):
            self.current = None  # the next part reads the whole list
            return False
        found = zip(services or [], moments or [], timed or [], strict=True)
        current.rows = apply(
            current.rows,
            (
                (tid, row if waits else None)
                for tid, row, waits in zip(ids or [], found, here or [], strict=True)
            ),
        )
        current.snapshot, current.again = snapshot, own or []
        return True


def _holds(later: str, earlier: str) -> bool:
    """Whether snapshot ``later`` sees every transaction ``earlier`` sees: it was taken
    after it, on the same server (``xmin:xmax:xip,...`` as PostgreSQL writes them)."""
    _xmin, xmax, xip = earlier.split(":")
    _lxmin, lxmax, lxip = later.split(":")
    if int(lxmax) < int(xmax):
        return False
    running = {int(x) for x in xip.split(",") if x}
    return all(int(x) in running or int(x) >= int(xmax) for x in lxip.split(",") if x)


@contextmanager
def keeper(engine: Engine, branch_id: int, day: date) -> Iterator[Keeper]:
    """The branch's list, held by this thread for one read: the reads of a process take
    turns, so each one's snapshot is later than the last one's (in READ COMMITTED each
    statement takes its own)."""
    lists = _KEPT.of(engine)
    with lists.lock:
        current = lists.by_branch.get(branch_id)
        if current is not None and (
            current.day != day or time.monotonic() - current.read_at > FULL_READ_AFTER
        ):
            current = None
        held = Keeper(day, current)
        try:
            yield held
        except BaseException:
            lists.by_branch.pop(branch_id, None)  # perhaps half brought up to date
            raise
        if held.current is None:
            lists.by_branch.pop(branch_id, None)
        else:
            lists.by_branch[branch_id] = held.current
