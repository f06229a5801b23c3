"""A lost database during a timer poll is a calm message on the staff screen, not a crash."""

from __future__ import annotations

from pathlib import Path

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
    assert window.session is not None
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
    assert manager.session is not None
    _lose_database(sqlite_loket)
    assert isinstance(queue.feed, PolledFeed)
    queue.feed.poll()
    queue.refresh()
    assert "database" in queue.message.text().lower()
    assert isinstance(manager.feed, PolledFeed)
    manager.feed.poll()
    manager.refresh()
    assert "database" in manager.hint.text().lower()
