"""The process's own list of waiting tickets (SQLite, ``loket.waiting_list``): after any
change any PC makes through Loket, it holds exactly what the database holds."""

from __future__ import annotations

import random
from collections import Counter as Tally
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from loket import backup, waiting_list
from loket.clock import Clock
from loket.db import Database
from loket.errors import DomainError
from loket.events import Actor
from loket.services import Loket

BRANCH = "dalfsen"
SERVICES = ("paspoort", "idkaart", "verhuizing", "geboorte")
TUESDAY = date(2026, 11, 24)


@pytest.fixture
def kiosk(sqlite_loket: Loket, clock: Clock) -> Iterator[Loket]:
    """A second PC on the same database file: its own engine, so its own list."""
    other = Loket(Database(sqlite_loket.db.url), clock, Actor.system("kiosk"))
    yield other
    other.db.dispose()


def listed(loket: Loket) -> list[tuple[int, datetime, int, int]]:
    with loket.db.read() as session:
        return waiting_list.waiting(session.connection(), 1, TUESDAY)


def in_database(loket: Loket) -> list[tuple[int, datetime, int, int]]:
    with loket.db.read() as session:
        rows = session.execute(
            text(
                "SELECT service_id, wait_from, CASE WHEN kind = 'appointment' AND "
                "appointment_at IS NOT NULL THEN 1 ELSE 0 END, id FROM ticket "
                "WHERE branch_id = 1 AND day = :day AND status = 'waiting' ORDER BY id"
            ),
            {"day": TUESDAY.isoformat()},
        )
        return [(s, datetime.fromisoformat(m), timed, i) for s, m, timed, i in rows]


def test_the_list_follows_every_change_made_at_another_pc(sqlite_loket, kiosk, clock):
    """Random days of issuing, calling, serving, parking, calling back, transferring,
    cancelling and checking in, made at one PC; the kiosk's list, brought up to date
    between them, always equals the database."""
    desk = sqlite_loket
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
    assert len(in_database(kiosk)) >= 5


def test_a_restored_backup_and_later_tickets_are_read_whole(sqlite_loket, kiosk, clock, tmp_path):
    """The list saw two tickets that a restore took away; after the restore another PC
    issues new ones under the same event numbers. The kiosk's list shows the restored
    queue with the new tickets, not the lost ones."""
    desk = sqlite_loket
    clock.set(datetime(2026, 11, 24, 9, 0))
    desk.issue_ticket(BRANCH, "paspoort")
    saved = tmp_path / "voor.db"
    backup.backup(desk.db, saved)
    clock.set(datetime(2026, 11, 24, 9, 10))
    for _ in range(2):
        desk.issue_ticket(BRANCH, "idkaart")
    assert len(listed(kiosk)) == 3
    backup.restore(Database(desk.db.url), Path(saved))
    clock.set(datetime(2026, 11, 24, 9, 20))
    for service in ("verhuizing", "geboorte", "paspoort"):
        desk.issue_ticket(BRANCH, service)
    truth = in_database(kiosk)
    assert len(truth) == 4
    assert listed(kiosk) == truth


def test_many_changes_at_once_are_read_whole(sqlite_loket, kiosk, clock, monkeypatch):
    monkeypatch.setattr(waiting_list, "MAX_CHANGES", 3)
    clock.set(datetime(2026, 11, 24, 9, 0))
    sqlite_loket.issue_ticket(BRANCH, "paspoort")
    assert len(listed(kiosk)) == 1
    for _ in range(5):
        sqlite_loket.issue_ticket(BRANCH, "idkaart")
    sqlite_loket.call_next(BRANCH, 1)
    assert listed(kiosk) == in_database(kiosk)
    assert len(listed(kiosk)) == 5


def test_a_ticket_being_checked_in_is_left_out_of_its_own_queue(sqlite_loket, clock):
    clock.set(datetime(2026, 11, 24, 9, 0))
    first = sqlite_loket.issue_ticket(BRANCH, "paspoort")
    second = sqlite_loket.issue_ticket(BRANCH, "idkaart")
    with sqlite_loket.db.read() as session:
        rows = waiting_list.waiting(session.connection(), 1, TUESDAY, exclude=first.id)
    assert [row[3] for row in rows] == [second.id]
    assert [row[3] for row in listed(sqlite_loket)] == [first.id, second.id]


def test_threads_reading_while_another_pc_writes_each_see_their_own_snapshot(
    sqlite_loket, kiosk, clock
):
    """Two threads of one kiosk share its list while another PC issues and serves: each
    read gets exactly what its own transaction holds, also when the other thread's
    snapshot is newer or older than its own."""
    import threading
    import time

    desk = sqlite_loket
    clock.set(datetime(2026, 11, 24, 9, 0))
    for i in range(20):
        desk.issue_ticket(BRANCH, SERVICES[i % 2])
    stop = threading.Event()
    failures: list[str] = []
    checked = [0, 0]

    def read(slot: int) -> None:
        while not stop.is_set():
            with kiosk.db.read() as session:
                # The snapshot begins with the first read, as the prediction's small
                # reads begin it: one thread's may be older than the list by then.
                session.execute(text("SELECT COUNT(*) FROM event")).scalar()
                time.sleep(0.003 * slot)
                got = waiting_list.waiting(session.connection(), 1, TUESDAY)
                truth = [
                    (s, datetime.fromisoformat(m), timed, i)
                    for s, m, timed, i in session.execute(
                        text(
                            "SELECT service_id, wait_from, CASE WHEN kind = 'appointment' "
                            "AND appointment_at IS NOT NULL THEN 1 ELSE 0 END, id FROM ticket "
                            "WHERE branch_id = 1 AND day = :day AND status = 'waiting' "
                            "ORDER BY id"
                        ),
                        {"day": TUESDAY.isoformat()},
                    )
                ]
            if got != truth:
                failures.append(f"thread {slot}: {len(got)} listed, {len(truth)} waiting")
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
