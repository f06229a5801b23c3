"""EventFeed: every PC learns of every change at once, in order, each event once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from loket.feed import open_feed


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOKET_DATABASE_URL": url, "LOKET_NOW": "2026-11-24T09:00"}
    return subprocess.run(
        [sys.executable, "-m", "roles", *args], env=env, capture_output=True, text=True, timeout=60
    )


def _collect(feed, want: int, timeout: float = 10.0) -> list[dict]:
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        got.extend(feed.wait(0.5))
    return got


def test_a_change_in_another_process_arrives_in_order_once(database_url):
    feed = open_feed(database_url)
    try:
        for _ in range(3):
            assert (
                _cli(
                    database_url, "ticket", "issue", "--branch", "dalfsen", "--service", "paspoort"
                ).returncode
                == 0
            )
        records = _collect(feed, 3)
        assert [r["data"]["number"] for r in records] == ["A 1", "A 2", "A 3"]
        assert feed.wait(0.3) == []  # nothing is delivered twice
    finally:
        feed.close()


def test_a_feed_started_now_sees_only_what_happens_from_now(database_url, loket):
    # How fast it wakes is a benchmark figure (benchmarks/live.py), not a test.
    loket.issue_ticket("dalfsen", "paspoort")
    feed = open_feed(database_url)
    try:
        assert feed.wait(0.2) == []
        loket.issue_ticket("dalfsen", "idkaart")
        records = _collect(feed, 1, timeout=10)
        assert [r["data"]["number"] for r in records] == ["B 1"]
    finally:
        feed.close()


def test_events_follow_prints_a_ticket_issued_in_another_shell(database_url):
    env = {**os.environ, "LOKET_DATABASE_URL": database_url}
    follower = subprocess.Popen(
        [sys.executable, "-m", "roles", "events", "--follow", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(2.0)  # the follower starts at the newest event
        assert (
            _cli(
                database_url, "ticket", "issue", "--branch", "dalfsen", "--service", "verhuizing"
            ).returncode
            == 0
        )
        assert follower.stdout is not None
        line = follower.stdout.readline()
        record = json.loads(line)
        assert (record["kind"], record["data"]["number"]) == ("ticket.issued", "E 1")
    finally:
        follower.terminate()
        follower.wait(10)


@pytest.mark.postgres
def test_listener_reconnects_after_a_database_restart_and_catches_up(
    postgres_server, postgres_template
):
    import uuid

    name = f"r_{uuid.uuid4().hex[:10]}"
    url = postgres_server.create_database(name, template=postgres_template)
    feed = open_feed(url)
    try:
        _cli(url, "ticket", "issue", "--branch", "dalfsen", "--service", "paspoort")
        assert [r["data"]["number"] for r in _collect(feed, 1)] == ["A 1"]
        postgres_server.restart()
        # Written while the listener was cut off: it must still arrive, once.
        _cli(url, "ticket", "issue", "--branch", "dalfsen", "--service", "paspoort")
        _cli(url, "ticket", "issue", "--branch", "dalfsen", "--service", "paspoort")
        records = _collect(feed, 2, timeout=20)
        assert [r["data"]["number"] for r in records] == ["A 2", "A 3"]
        _cli(url, "ticket", "issue", "--branch", "dalfsen", "--service", "paspoort")
        assert [r["data"]["number"] for r in _collect(feed, 1)] == ["A 4"]
    finally:
        feed.close()
        postgres_server.drop_database(name)


@pytest.mark.postgres
def test_an_event_committed_after_a_later_one_still_arrives_once(
    postgres_server, postgres_template, clock
):
    """Two counters' transactions may commit out of id order (PostgreSQL; SQLite has one
    writer at a time, so there ids always commit in order)."""
    import uuid

    from loket import events
    from loket.db import Database
    from loket.events import Actor

    name = f"o_{uuid.uuid4().hex[:10]}"
    database_url = postgres_server.create_database(name, template=postgres_template)
    feed = open_feed(database_url)
    slow_db, fast_db = Database(database_url), Database(database_url)
    try:
        with slow_db.write() as slow:
            first = events.append(slow, at=clock.now(), kind="test.slow", actor=Actor("a"))
            with fast_db.write() as fast:
                second = events.append(fast, at=clock.now(), kind="test.fast", actor=Actor("b"))
            assert second.id > first.id
            assert [r["kind"] for r in _collect(feed, 1)] == ["test.fast"]
        assert [r["kind"] for r in _collect(feed, 1)] == ["test.slow"]
        assert feed.wait(0.3) == []
        assert feed.last_id == second.id
    finally:
        feed.close()
        slow_db.dispose()
        fast_db.dispose()
        postgres_server.drop_database(name)
