"""Issuing a walk-in number: few statements, and still the engine's answers (issue 15,
loket/issue_sql.py)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import event, select, text

from loket import logging_setup
from loket.errors import Refused
from loket.models import Event
from loket.services import Loket

# Statements one issue may send. SQLite, all it runs (its own trace): a read
# transaction (BEGIN, COMMIT) with the waiting list's catch-up and the live prediction's
# eight reads, then BEGIN IMMEDIATE, the gate, the number, the ticket, its event,
# COMMIT (was 18 through SQLAlchemy alone). PostgreSQL, counted on the driver
# (everything the server gets but BEGIN and COMMIT), all in one transaction: the
# prediction's reads and the waiting tickets in one statement, the gate, the hall
# function, the read of its event (was 11 in two transactions). A change that brings
# back lazy loads or a flush of other objects fails here.
BUDGET = {"sqlite": 17, "postgresql": 4}
# Of those, inside the write transaction (after the prediction's last read), but BEGIN
# and COMMIT.
WRITE_BUDGET = {"sqlite": 4, "postgresql": 3}
# The prediction's last read: the day's plan (SQLite), its one statement (PostgreSQL).
LAST_READ = {"sqlite": "FROM stored_plan", "postgresql": "status = 'waiting'"}


@contextmanager
def statements(loket: Loket) -> Iterator[list[str]]:
    seen: list[str] = []
    if loket.db.engine.dialect.name == "postgresql":
        # On the driver: the prediction sends some on the driver's cursor directly.
        import psycopg

        execute = psycopg.Cursor.execute

        def counted(self, query, *args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(" ".join(str(query).split()))
            return execute(self, query, *args, **kwargs)

        psycopg.Cursor.execute = counted  # type: ignore[method-assign]
        try:
            yield seen
        finally:
            psycopg.Cursor.execute = execute  # type: ignore[method-assign]
        return

    # SQLite's own trace: what it runs, from SQLAlchemy or on the driver, BEGIN and
    # COMMIT too.
    traced: list[sqlite3.Connection] = []

    def count(statement: str) -> None:
        seen.append(" ".join(statement.split()))

    def trace(driver, record, proxy):  # type: ignore[no-untyped-def]
        driver.set_trace_callback(count)
        traced.append(driver)

    event.listen(loket.db.engine, "checkout", trace)
    try:
        yield seen
    finally:
        event.remove(loket.db.engine, "checkout", trace)
        for driver in traced:
            driver.set_trace_callback(None)


def _write_part(seen: list[str], backend: str) -> list[str]:
    """The statements after the prediction's last read."""
    last_read = max(i for i, s in enumerate(seen) if LAST_READ[backend] in s)
    return [s for s in seen[last_read + 1 :] if not s.startswith(("BEGIN", "COMMIT"))]


def test_one_issue_sends_a_few_statements(loket: Loket) -> None:
    loket.issue_ticket("dalfsen", "paspoort")  # connections and caches warm
    backend = loket.db.engine.dialect.name
    with statements(loket) as seen:
        ticket = loket.issue_ticket("dalfsen", "paspoort")
    listing = "\n".join(seen)
    assert ticket.number == "A 2"
    assert ticket.status == "waiting"
    assert len(seen) <= BUDGET[backend], listing
    write = _write_part(seen, backend)
    assert len(write) <= WRITE_BUDGET[backend], listing
    # The hours are not lazy-loaded one relation at a time.
    assert not any(s.startswith("SELECT opening_period") for s in seen), listing
    assert not any(s.startswith("SELECT day_exception") for s in seen), listing


def test_the_fast_issue_answers_as_the_engine(loket: Loket, caplog) -> None:  # type: ignore[no-untyped-def]
    """What the kiosk prints and shows, and what the log and the queue hold."""
    logging_setup.install_event_logging()
    with caplog.at_level(logging.INFO, logger="loket.events"):
        ticket = loket.issue_ticket("dalfsen", "paspoort", needs_assistance=True)
    assert any(
        r.getMessage().startswith("ticket.issued") and f"ticket={ticket.id}" in r.getMessage()
        for r in caplog.records
    ), [r.getMessage() for r in caplog.records]
    snapshot = loket.snapshot("dalfsen")
    queued = next(t for t in snapshot.waiting if t.number == ticket.number)
    for field in ("id", "number", "branch", "service", "service_name", "service_names"):
        assert getattr(queued, field) == getattr(ticket, field), field
    for field in (
        "kind",
        "status",
        "issued_at",
        "wait_from",
        "appointment_at",
        "counter",
        "call_count",
        "predicted_wait_minutes",
        "needs_assistance",
        "language",
    ):
        assert getattr(queued, field) == getattr(ticket, field), field
    assert ticket.needs_assistance is True
    assert ticket.service_name == "Paspoort aanvragen"
    with loket.db.read() as session:
        issued = session.scalars(select(Event).where(Event.ticket_id == ticket.id)).one()
    assert issued.kind == "ticket.issued"
    assert issued.data["number"] == "A 1"
    assert issued.data["service"] == "paspoort"
    assert issued.data["needs_assistance"] is True


def test_a_day_closed_a_moment_ago_refuses_at_once(loket: Loket, clock) -> None:  # type: ignore[no-untyped-def]
    assert loket.issue_ticket("dalfsen", "paspoort").number == "A 1"
    loket.close_day("dalfsen", clock.now().date(), "Stroomstoring")
    with pytest.raises(Refused) as info:
        loket.issue_ticket("dalfsen", "paspoort")
    assert info.value.code == "closed"
    assert "Stroomstoring" in info.value.message


def test_numbers_continue_after_a_damaged_counter(loket: Loket) -> None:
    for expected in ("A 1", "A 2", "A 3"):
        assert loket.issue_ticket("dalfsen", "paspoort").number == expected
    with loket.db.write() as session:
        session.execute(text("UPDATE number_sequence SET last = 1 WHERE prefix = 'A'"))
    assert loket.issue_ticket("dalfsen", "paspoort").number == "A 4"
    assert loket.issue_ticket("dalfsen", "paspoort").number == "A 5"


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        (datetime(2026, 11, 24, 14, 0), "appointment_only"),
        (datetime(2026, 11, 28, 10, 0), "closed"),
    ],
)
def test_refusals_write_nothing(loket: Loket, clock, moment: datetime, code: str) -> None:  # type: ignore[no-untyped-def]
    clock.set(moment)
    with pytest.raises(Refused) as info:
        loket.issue_ticket("dalfsen", "paspoort")
    assert info.value.code == code
    with loket.db.read() as session:
        assert session.execute(text("SELECT count(*) FROM ticket")).scalar_one() == 0
