"""The process's own list of waiting tickets (SQLite: ``loket.waiting_list``;
PostgreSQL: ``loket.waiting_list_pg``, read with the prediction's other reads): after
any change any PC makes through Loket, it holds exactly what the database holds."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter as Tally
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from loket import backup, live_reads, waiting_list, waiting_list_pg
from loket.clock import Clock
from loket.db import Database
from loket.errors import DomainError
from loket.events import Actor
from loket.services import Loket

BRANCH = "dalfsen"
SERVICES = ("paspoort", "idkaart", "verhuizing", "geboorte")
TUESDAY = date(2026, 11, 24)
NOON = datetime(2026, 11, 24, 12, 0)  # the prediction's "now": any moment of the day

# The queue as the prediction takes it: the walk-ins (and appointments without a time)
# as (service id, waiting since) in the order they came, and the ids of the timed ones.
Queue = tuple[list[tuple[int, datetime]], list[int]]


@pytest.fixture
def kiosk(loket: Loket, clock: Clock) -> Iterator[Loket]:
    """A second PC on the same database: its own engine, so its own list."""
    other = Loket(Database(loket.db.url), clock, Actor.system("kiosk"))
    yield other
    other.db.dispose()


def read_list(connection: Connection, exclude: int = -1) -> Queue:
    """The kiosk's list, brought up to date in ``connection``'s transaction."""
    if connection.dialect.name == "sqlite":
        waiting = waiting_list.waiting(connection, 1, TUESDAY, NOON, exclude)
    else:
        read = live_reads.read(connection, 1, NOON, exclude=exclude).waiting
        assert read is not None
        waiting = read
    moments = [NOON + timedelta(microseconds=offset) for offset in waiting.offsets]
    return list(zip(waiting.service_ids, moments, strict=True)), waiting.timed


def read_database(connection: Connection) -> Queue:
    rows: list[Any] = list(
        connection.execute(
            text(
                "SELECT service_id, wait_from, kind = 'appointment' AND appointment_at IS NOT "
                "NULL, id FROM ticket WHERE branch_id = 1 AND day = :day "
                "AND status = 'waiting' ORDER BY id"
            ),
            {"day": TUESDAY if connection.dialect.name == "postgresql" else str(TUESDAY)},
        )
    )
    moment = datetime.fromisoformat
    walk_ins = [(s, m if isinstance(m, datetime) else moment(m)) for s, m, t, _ in rows if not t]
    return walk_ins, [i for *_, t, i in rows if t]


def listed(loket: Loket) -> Queue:
    with loket.db.read() as session:
        return read_list(session.connection())


def in_database(loket: Loket) -> Queue:
    with loket.db.read() as session:
        return read_database(session.connection())


def size(queue: Queue) -> int:
    return len(queue[0]) + len(queue[1])


def test_the_list_follows_every_change_made_at_another_pc(loket, kiosk, clock):
    """Random days of issuing, calling, serving, parking, calling back, transferring,
    cancelling and checking in, made at one PC; the kiosk's list, brought up to date
    between them, always equals the database."""
    desk = loket
    rng = random.Random(20261203)
    clock.set(datetime(2026, 11, 24, 9, 0))
    done: Tally[str] = Tally()
    codes = [
        desk.book_appointment(
            BRANCH,
            "paspoort",
            datetime(2026, 11, 24, 10, 0) + timedelta(minutes=10 * i),
            name=f"Bezoeker {i}",
        ).code
        for i in range(6)
    ]

    def numbers(status: str) -> list[str]:
        return [
            t.number
            for t in desk.snapshot(BRANCH).open_tickets + desk.snapshot(BRANCH).recent_calls
            if t.status == status
        ]

    for _step in range(160):
        clock.set(clock.now() + timedelta(seconds=rng.randint(0, 90), microseconds=7))
        action = rng.choice(
            ["issue", "issue", "call", "start", "finish", "no_show", "park", "back"]
            + ["transfer", "cancel", "check_in", "recall"]
        )
        try:
            if action == "issue":
                desk.issue_ticket(BRANCH, rng.choice(SERVICES))
            elif action == "call":
                if desk.call_next(BRANCH, rng.randint(1, 4)) is None:
                    continue
            elif action == "check_in":
                if not codes:
                    continue
                desk.check_in(codes.pop(), BRANCH)
            else:
                status = rng.choice(
                    {
                        "finish": ["serving"],
                        "park": ["called", "serving"],
                        "back": ["parked"],
                        "transfer": ["called", "serving", "waiting"],
                        "cancel": ["called", "serving", "waiting"],
                    }.get(action, ["called"])
                )
                candidates = numbers(status)
                if not candidates:
                    continue
                number = rng.choice(candidates)
                if action == "start":
                    desk.start(BRANCH, number)
                elif action == "finish":
                    desk.finish(BRANCH, number)
                elif action == "no_show":
                    while True:  # called as often as the rules ask first
                        try:
                            desk.no_show(BRANCH, number)
                            break
                        except DomainError:
                            desk.recall(BRANCH, number)
                elif action == "park":
                    desk.park(BRANCH, number)
                elif action == "back":
                    desk.call_ticket(BRANCH, rng.randint(1, 4), number, "returned")
                elif action == "recall":
                    desk.recall(BRANCH, number)
                elif action == "transfer":
                    desk.transfer(BRANCH, number, service=rng.choice(SERVICES))
                else:
                    desk.cancel_ticket(BRANCH, number)
        except DomainError:
            continue  # refused (a counter busy, not that service): nothing changed
        done[action] += 1
        assert listed(kiosk) == in_database(kiosk), f"after {action} (step {_step})"
    # Every kind of change happened, and the queue was not trivially short.
    assert set(done) >= {"issue", "call", "start", "finish", "park", "back", "transfer"}
    assert set(done) >= {"cancel", "check_in", "no_show"}
    assert size(in_database(kiosk)) >= 5


def test_a_restored_backup_and_later_tickets_are_read_whole(loket, kiosk, clock, tmp_path):
    """The list saw three tickets that a restore took away; after the restore another PC
    issues two new ones and serves one (under the same ticket numbers, and on SQLite
    the same event numbers). The kiosk's list shows the restored queue with the new tickets, not the
    lost ones."""
    desk = loket
    clock.set(datetime(2026, 11, 24, 9, 0))
    desk.issue_ticket(BRANCH, "paspoort")
    saved = tmp_path / "voor.backup"
    backup.backup(desk.db, saved)
    clock.set(datetime(2026, 11, 24, 9, 10))
    for _ in range(3):
        desk.issue_ticket(BRANCH, "idkaart")
    assert size(listed(kiosk)) == 4
    backup.restore(Database(desk.db.url), Path(saved))
    clock.set(datetime(2026, 11, 24, 9, 20))
    for service in ("verhuizing", "geboorte"):
        desk.issue_ticket(BRANCH, service)
    called = desk.call_next(BRANCH, 1)  # as many events as were lost, or more
    assert called is not None
    desk.start(BRANCH, called.number)
    truth = in_database(kiosk)
    assert size(truth) == 2
    assert listed(kiosk) == truth


def test_a_change_still_being_written_is_seen_once_it_is_committed(loket, kiosk, clock):
    """Another PC's transaction changes a ticket and is still open while the kiosk reads
    its list; it commits after. The kiosk's next read has the change (on PostgreSQL the
    transaction began before the read's snapshot, and its event id is not the highest)."""
    clock.set(datetime(2026, 11, 24, 9, 0))
    tickets = [loket.issue_ticket(BRANCH, s) for s in SERVICES]
    assert size(listed(kiosk)) == 4
    with loket.db.engine.connect() as other, other.begin():
        other.execute(
            text("UPDATE ticket SET status = 'cancelled' WHERE id = :id"), {"id": tickets[1].id}
        )
        other.execute(
            text(
                "INSERT INTO event (at, kind, branch_id, ticket_id, workstation, data) "
                "VALUES (:at, 'ticket.cancelled', 1, :id, 'balie', '{}')"
            ),
            {"at": clock.now(), "id": tickets[1].id},
        )
        assert size(listed(kiosk)) == 4  # not committed yet
        if not loket.db.is_sqlite:
            # A later transaction commits first, with a higher event id.
            clock.set(datetime(2026, 11, 24, 9, 1))
            loket.issue_ticket(BRANCH, "paspoort")
            assert size(listed(kiosk)) == 5
    assert listed(kiosk) == in_database(kiosk)
    assert size(listed(kiosk)) == (3 if loket.db.is_sqlite else 4)


def test_many_changes_at_once_are_read_whole(loket, kiosk, clock, monkeypatch):
    keeper = waiting_list if loket.db.is_sqlite else waiting_list_pg
    monkeypatch.setattr(keeper, "MAX_CHANGES", 3)
    clock.set(datetime(2026, 11, 24, 9, 0))
    loket.issue_ticket(BRANCH, "paspoort")
    assert size(listed(kiosk)) == 1
    for _ in range(5):
        loket.issue_ticket(BRANCH, "idkaart")
    loket.call_next(BRANCH, 1)
    assert listed(kiosk) == in_database(kiosk)
    assert size(listed(kiosk)) == 5


def test_a_ticket_being_checked_in_is_left_out_of_its_own_queue(loket, clock):
    clock.set(datetime(2026, 11, 24, 9, 0))
    first = loket.issue_ticket(BRANCH, "paspoort")
    loket.issue_ticket(BRANCH, "idkaart")
    both, _timed = in_database(loket)
    with loket.db.read() as session:
        walk_ins, _timed = read_list(session.connection(), exclude=first.id)
    assert len(both) == 2 and walk_ins == both[1:]
    assert listed(loket) == (both, [])


def test_a_change_rolled_back_is_not_kept(loket, kiosk, clock):
    """A transaction of the kiosk's own changes a ticket and reads the list (the change
    is in what it reads), then rolls back. The list does not keep the change, whether
    the next read comes before or after another PC writes."""
    clock.set(datetime(2026, 11, 24, 9, 0))
    tickets = [loket.issue_ticket(BRANCH, s) for s in SERVICES]
    before = listed(kiosk)
    for then_another_pc_writes in (False, True):
        with pytest.raises(RuntimeError, match="terug"), kiosk.db.write() as session:
            connection = session.connection()
            connection.execute(
                text("UPDATE ticket SET status = 'cancelled' WHERE id = :id"),
                {"id": tickets[0].id},
            )
            connection.execute(
                text(
                    "INSERT INTO event (at, kind, branch_id, ticket_id, workstation, data) "
                    "VALUES (:at, 'ticket.cancelled', 1, :id, 'kiosk', '{}')"
                ),
                {"at": clock.now(), "id": tickets[0].id},
            )
            inside = read_list(connection)
            assert size(inside) == size(before) - 1
            raise RuntimeError("terug")
        if then_another_pc_writes:
            clock.set(clock.now() + timedelta(minutes=1))
            loket.issue_ticket(BRANCH, "paspoort")
        assert listed(kiosk) == in_database(kiosk)
    assert size(listed(kiosk)) == len(tickets) + 1


def test_threads_reading_while_another_pc_writes_each_see_their_own_snapshot(loket, kiosk, clock):
    """Two threads of one kiosk share its list while another PC issues and serves: each
    read gets exactly what its own transaction holds, also when the other thread's
    snapshot is newer or older than its own (on PostgreSQL one snapshot for the whole
    transaction: REPEATABLE READ)."""
    desk = loket
    clock.set(datetime(2026, 11, 24, 9, 0))
    for i in range(20):
        desk.issue_ticket(BRANCH, SERVICES[i % 2])
    stop = threading.Event()
    failures: list[str] = []
    checked = [0, 0]
    options = {} if loket.db.is_sqlite else {"isolation_level": "REPEATABLE READ"}

    def read(slot: int) -> None:
        while not stop.is_set():
            with (
                kiosk.db.engine.connect().execution_options(**options) as connection,
                connection.begin(),
            ):
                # The snapshot begins with the first read, as the prediction's
                # small reads begin it: one thread's may be older than the list.
                connection.execute(text("SELECT COUNT(*) FROM event")).scalar()
                time.sleep(0.003 * slot)
                got = read_list(connection)
                truth = read_database(connection)
            if got != truth:
                failures.append(f"thread {slot}: {size(got)} listed, {size(truth)} waiting")
            checked[slot] += 1

    readers = [threading.Thread(target=read, args=(slot,)) for slot in (0, 1)]
    for thread in readers:
        thread.start()
    try:
        for i in range(60):
            desk.issue_ticket(BRANCH, SERVICES[i % 2])
            called = desk.call_next(BRANCH, 1 + i % 4)
            if called is not None:
                desk.start(BRANCH, called.number)
                desk.finish(BRANCH, called.number)
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=30)
    assert failures == []
    assert min(checked) >= 10


def test_events_from_another_server_do_not_come_back_at_every_read(
    loket, kiosk, clock, monkeypatch
):
    """Events restored by hand from another server's backup carry transaction ids ahead
    of this server's. The kiosk's list reads them once, whole, and then goes on from
    the events after it, not reading them again at every ticket: with more of them
    than ``MAX_CHANGES`` (a real restore has thousands) that would be a whole read at
    every ticket (PostgreSQL)."""
    if loket.db.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite's events carry no transaction")
    monkeypatch.setattr(waiting_list_pg, "MAX_CHANGES", 3)
    clock.set(datetime(2026, 11, 24, 9, 0))
    for service in SERVICES:
        loket.issue_ticket(BRANCH, service)
    with loket.db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE event SET xact = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8"
            )
        )
    waiting_list.forget(kiosk.db.engine)
    assert listed(kiosk) == in_database(kiosk)
    lists = waiting_list_pg._KEPT.of(kiosk.db.engine)
    first_read = lists.by_branch[1].read_at
    for service in SERVICES[:2]:
        loket.issue_ticket(BRANCH, service)
        assert listed(kiosk) == in_database(kiosk)
        assert lists.by_branch[1].read_at == first_read  # brought up to date, not read whole
