"""Safe concurrency with real OS processes on one database, SQLite and PostgreSQL.

Every worker (``tests.loket.workers``) is a separate process with its own connections,
like a kiosk or counter PC; a start file releases them together so they really collide.
Small N keeps the suite quick on a 2-core CI machine running ``-n 2``;
``benchmarks/live.py`` runs the same workers with 20 counters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from loket.db import Database
from loket.events import Actor
from loket.models import Event, NumberSequence, Ticket, TicketStatus
from loket.services import Loket
from tests.conftest import TUESDAY_9
from tests.loket.workers import ROOT, Worker, run_together

pytestmark = pytest.mark.slow

BENCH_CONFIG = ROOT / "benchmarks" / "live.toml"
BRANCH = "hal"
PROCESSES = 6


def _loket(url: str) -> Loket:
    from loket.clock import Clock

    return Loket(Database(url), Clock(TUESDAY_9, frozen=True), Actor.system("test"))


def _bench_database(fresh_database: Callable[[], str]) -> str:
    url = fresh_database()
    loket = _loket(url)
    try:
        loket.apply_config(BENCH_CONFIG)
    finally:
        loket.db.dispose()
    return url


def _tickets_and_events(url: str) -> tuple[list[Ticket], list[Event], list[NumberSequence]]:
    db = Database(url)
    try:
        with db.read() as session:
            tickets = list(session.scalars(select(Ticket).order_by(Ticket.id)))
            events = list(session.scalars(select(Event).order_by(Event.id)))
            sequences = list(session.scalars(select(NumberSequence)))
        return tickets, events, sequences
    finally:
        db.dispose()


def test_tickets_issued_at_the_same_moment_get_unique_contiguous_numbers(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    per_process = 4  # of each service, alternating
    start = tmp_path / "go"
    workers = [
        Worker(
            "issue",
            url,
            "--branch",
            "dalfsen",
            "--service",
            "paspoort",
            "--service",
            "idkaart",
            "--count",
            str(2 * per_process),
            "--start-file",
            str(start),
        )
        for _ in range(PROCESSES)
    ]
    run_together(workers, start)

    reported = [n for w in workers for n in w.values("issued")]
    assert len(reported) == len(set(reported)) == 2 * PROCESSES * per_process
    tickets, events, sequences = _tickets_and_events(url)
    want = list(range(1, PROCESSES * per_process + 1))
    for prefix in ("A", "B"):
        numbers = sorted(t.sequence for t in tickets if t.prefix == prefix)
        assert numbers == want, f"prefix {prefix}: gaps or repeats"
        last = {s.prefix: s.last for s in sequences}
        assert last[prefix] == len(want)
    assert sorted(reported) == sorted(t.number for t in tickets)
    issued = Counter(e.ticket_id for e in events if e.kind == "ticket.issued")
    assert issued == Counter({t.id: 1 for t in tickets})


def test_counters_calling_next_as_fast_as_they_can_serve_everyone_once(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    """N processes call next/start/finish until the queue is empty.

    Two processes per counter (one desk, two clerks clicking): besides the choice of
    ticket between counters, the counter's "one ticket at a time" rule is raced too.
    That caught a real bug: on PostgreSQL both clerks saw the counter free and each
    called a ticket (fixed by locking the counter row, ``queue._ensure_free``).
    """
    counters = PROCESSES // 2
    url = _bench_database(fresh_database)
    waiting = 36
    seed = _loket(url)
    try:
        for i in range(waiting):
            seed.issue_ticket(BRANCH, "melding" if i % 3 else "levering")
    finally:
        seed.db.dispose()
    _, before, _ = _tickets_and_events(url)
    start = tmp_path / "go"
    workers = [
        Worker(
            "serve",
            url,
            "--branch",
            BRANCH,
            "--counter",
            str(1 + i % counters),
            "--start-file",
            str(start),
        )
        for i in range(PROCESSES)
    ]
    run_together(workers, start)

    called = [n for w in workers for n in w.values("called")]
    assert len(called) == len(set(called)) == waiting, "a ticket was called twice or skipped"
    tickets, events, _ = _tickets_and_events(url)
    assert {t.status for t in tickets} == {TicketStatus.DONE}
    assert sorted(called) == sorted(t.number for t in tickets)
    new = [e for e in events if e.id > max(e.id for e in before)]
    per_kind = {
        kind: Counter(e.ticket_id for e in new if e.kind == kind)
        for kind in ("ticket.called", "ticket.started", "ticket.finished")
    }
    for kind, count in per_kind.items():
        assert count == Counter({t.id: 1 for t in tickets}), f"{kind} not once per ticket"
    # Replay the log in id (= commit) order: a counter holds at most one ticket.
    holding: dict[int, int | None] = defaultdict(lambda: None)
    for e in new:
        assert e.counter_id is not None
        if e.kind == "ticket.called":
            assert holding[e.counter_id] is None, f"counter {e.counter_id} called two at once"
            holding[e.counter_id] = e.ticket_id
        elif e.kind == "ticket.started":
            assert holding[e.counter_id] == e.ticket_id
        elif e.kind == "ticket.finished":
            assert holding[e.counter_id] == e.ticket_id
            holding[e.counter_id] = None
    assert not any(holding.values())
