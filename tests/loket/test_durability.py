"""A process killed with SIGKILL mid-operation loses nothing committed, leaves no half state.

The child (``tests.loket.workers``) prints a ticket number only after its transaction
has committed; the parent kills it at a random moment, reopens the database and checks
that every reported number is there, the log has exactly one event per step, the
number counter matches the tickets, and (SQLite) the file passes ``integrity_check``.
A child killed while its transaction is still open must leave no trace at all.
"""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from sqlalchemy import select, text

from loket.clock import Clock
from loket.db import Database
from loket.events import Actor
from loket.models import Event, NumberSequence, Ticket, TicketStatus
from loket.services import Loket
from tests.conftest import TUESDAY_9
from tests.loket.workers import Worker

pytestmark = pytest.mark.slow

BRANCH = "dalfsen"
KILLS = 3


def _kill_at_random(worker: Worker, key: str) -> None:
    # After the first committed step, so the child is surely in its loop: the kill then
    # lands anywhere in a transaction (query, flush, commit, fsync) or between two.
    # Within 50 ms: a clerk's cycle takes a few ms now, so a longer wait could find the
    # queue served before the kill (and the next round's counter with nobody to call).
    worker.wait_for(key, timeout=30)
    time.sleep(random.uniform(0.0, 0.05))
    worker.kill()


def _state(url: str) -> tuple[list[Ticket], list[Event], dict[str, int]]:
    db = Database(url)
    try:
        with db.read() as session:
            if db.is_sqlite:
                assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
                assert session.execute(text("PRAGMA foreign_key_check")).all() == []
            tickets = list(session.scalars(select(Ticket).order_by(Ticket.id)))
            events = list(session.scalars(select(Event).order_by(Event.id)))
            last = {s.prefix: s.last for s in session.scalars(select(NumberSequence))}
        return tickets, events, last
    finally:
        db.dispose()


def _assert_issued_consistently(url: str, reported: list[str]) -> list[Ticket]:
    tickets, events, last = _state(url)
    numbers = [t.number for t in tickets]
    assert set(reported) <= set(numbers), "a committed ticket was lost"
    sequences = sorted(t.sequence for t in tickets if t.prefix == "A")
    assert sequences == list(range(1, len(sequences) + 1)), "gap or repeat in the numbers"
    assert last.get("A", 0) == len(sequences), "number_sequence out of step with the tickets"
    issued = Counter(e.ticket_id for e in events if e.kind == "ticket.issued")
    assert issued == Counter({t.id: 1 for t in tickets}), "not one issue event per ticket"
    return tickets


def test_killed_while_issuing_loses_nothing_committed(database_url: str) -> None:
    reported: list[str] = []
    for _ in range(KILLS):
        worker = Worker("issue", database_url, "--branch", BRANCH, "--service", "paspoort")
        _kill_at_random(worker, "issued")
        new = worker.values("issued")
        reported += new
        tickets = _assert_issued_consistently(database_url, reported)
        # At most the one committed in the instant between its commit and its print.
        assert len(tickets) - len(reported) <= 1
        reported = [t.number for t in tickets]


def test_killed_with_an_open_transaction_leaves_no_trace(database_url: str) -> None:
    loket = Loket(Database(database_url), Clock(TUESDAY_9, frozen=True), Actor.system("test"))
    try:
        before = loket.issue_ticket(BRANCH, "paspoort")
        worker = Worker("hold", database_url, "--branch", BRANCH, "--service", "paspoort")
        pending = worker.wait_for("pending", timeout=30)
        worker.kill()
        tickets = _assert_issued_consistently(database_url, [before.number])
        assert [t.number for t in tickets] == [before.number]
        assert pending["pending"] == "A 2"
        # The number drawn by the dead transaction was never committed, so it is handed
        # out again; on PostgreSQL this also shows the row lock died with the client.
        again = loket.issue_ticket(BRANCH, "paspoort")
        assert again.number == "A 2"
        _assert_issued_consistently(database_url, [before.number, again.number])
    finally:
        loket.db.dispose()


def test_killed_while_serving_leaves_every_ticket_in_one_whole_state(database_url: str) -> None:
    loket = Loket(Database(database_url), Clock(TUESDAY_9, frozen=True), Actor.system("test"))
    try:
        for _ in range(150):
            loket.issue_ticket(BRANCH, "uittreksel")
    finally:
        loket.db.dispose()
    reported: list[str] = []
    for counter in range(1, KILLS + 1):
        # A new counter each round: the killed clerk's desk may still hold its ticket.
        worker = Worker("serve", database_url, "--branch", BRANCH, "--counter", str(counter))
        _kill_at_random(worker, "called")
        reported += worker.values("called")

        tickets, events, _ = _state(database_url)
        by_number = {t.number: t for t in tickets}
        assert all(by_number[n].status is TicketStatus.DONE for n in reported)
        steps = {
            kind: Counter(e.ticket_id for e in events if e.kind == kind)
            for kind in ("ticket.called", "ticket.started", "ticket.finished")
        }
        for t in tickets:
            called = t.status is not TicketStatus.WAITING
            started = t.status in (TicketStatus.SERVING, TicketStatus.DONE)
            done = t.status is TicketStatus.DONE
            # Each committed step has exactly its event, an uncommitted one neither.
            assert steps["ticket.called"][t.id] == called, t.number
            assert steps["ticket.started"][t.id] == started, t.number
            assert steps["ticket.finished"][t.id] == done, t.number
            assert (t.counter_id is not None) == called, t.number
        holding = Counter(
            t.counter_id for t in tickets if t.status in (TicketStatus.CALLED, TicketStatus.SERVING)
        )
        assert all(n == 1 for n in holding.values())
