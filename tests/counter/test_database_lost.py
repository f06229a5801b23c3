"""A lost database during a timer poll is a calm message on the staff screen, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from counter.live_queue import LiveQueueWindow
from counter.manager import ManagerWindow
from counter.workstation import CounterWorkstation
from kiosk.live_feed import PolledFeed
from loket.errors import Unavailable
from loket.services import Loket


def _lose_database(loket: Loket) -> None:
    """The database file is damaged under the running program (a disk or share gone)."""
    loket.db.dispose()
    path = Path(loket.db.url.removeprefix("sqlite:///"))
    path.write_bytes(b"this is not a database" * 100)


def _login(qtbot, window, code: str, pin: str) -> None:
    qtbot.keyClicks(window.login.code, code)
    qtbot.keyClicks(window.login.pin, pin)
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)


def test_the_core_reports_database_trouble_as_unavailable(sqlite_loket: Loket):
    _lose_database(sqlite_loket)
    try:
        sqlite_loket.snapshot("dalfsen")
    except Unavailable as exc:
        assert "database" in exc.message.lower()
    else:
        raise AssertionError("a damaged database must raise Unavailable")


def test_counter_workstation_poll_survives_a_lost_database(qtbot, sqlite_loket: Loket):
    window = CounterWorkstation(sqlite_loket, "dalfsen", counter=1, poll_ms=60_000)
    qtbot.addWidget(window)
    _login(qtbot, window, "anna", "1111")
    assert window.services is not None
    _lose_database(sqlite_loket)
    assert isinstance(window.feed, PolledFeed)
    window.feed.poll()  # what the timer does every second
    window.refresh()
    assert "database" in window.message.text().lower()


def test_live_queue_and_manager_polls_survive_a_lost_database(qtbot, sqlite_loket: Loket):
    queue = LiveQueueWindow(sqlite_loket, "dalfsen")
    qtbot.addWidget(queue)
    manager = ManagerWindow(sqlite_loket, "dalfsen", sound=False, poll_ms=60_000)
    qtbot.addWidget(manager)
    _login(qtbot, manager, "eva", "5555")
    assert manager.services is not None
    _lose_database(sqlite_loket)
    assert isinstance(queue.feed, PolledFeed)
    queue.feed.poll()
    queue.refresh()
    assert "database" in queue.message.text().lower()
    assert isinstance(manager.feed, PolledFeed)
    manager.feed.poll()
    manager.refresh()
    assert "database" in manager.hint.text().lower()


@pytest.mark.postgres
def test_counter_workstation_says_at_once_when_the_database_goes_and_comes_back(
    qtbot, postgres_server, postgres_template
) -> None:
    import uuid

    from counter.workstation import OFFLINE_TEXT
    from kiosk.live_feed import LiveFeed
    from loket.clock import Clock
    from loket.db import Database
    from loket.events import Actor
    from tests.conftest import TUESDAY_9
    from tests.kiosk.conftest import screenshot

    url = postgres_server.create_database(f"w_{uuid.uuid4().hex[:10]}", template=postgres_template)
    loket = Loket(Database(url), Clock(TUESDAY_9, frozen=True), Actor.system("test"))
    feed = LiveFeed(loket)
    window = CounterWorkstation(loket, "dalfsen", counter=1, feed=feed)
    manager = ManagerWindow(loket, "dalfsen", sound=False, feed=feed)
    qtbot.addWidget(window)
    qtbot.addWidget(manager)
    window.show()
    try:
        _login(qtbot, window, "anna", "1111")
        _login(qtbot, manager, "eva", "5555")
        assert window.services is not None and manager.services is not None
        postgres_server.pause()
        # No click needed: the feed notices and the screens say so.
        qtbot.waitUntil(lambda: window.message.text() == OFFLINE_TEXT, timeout=20000)
        qtbot.waitUntil(lambda: manager.hint.text() == OFFLINE_TEXT, timeout=5000)
        screenshot(window, "counter_offline")
        postgres_server.resume()
        qtbot.waitUntil(lambda: window.message.text() == "De verbinding is terug.", timeout=30000)
        # The manager's hint goes back to its usual text with the refresh.
        qtbot.waitUntil(lambda: manager.hint.text() != OFFLINE_TEXT, timeout=5000)
        called = window.services.call_next("dalfsen", 1)
        assert called is None  # the demo queue is empty; the database answers again
    finally:
        feed.stop()
        loket.db.dispose()
