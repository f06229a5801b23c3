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
def test_staff_windows_and_kiosk_show_a_lost_database_at_once_and_catch_up(
    qtbot, postgres_server, postgres_template
) -> None:
    """The server goes away with nobody clicking: the counter, the team leader and the
    reception show the band, the kiosk its calm "Even geduld" between visitors. Back
    again, every window clears by itself and shows what happened meanwhile."""
    import uuid

    from counter.login import OFFLINE_TEXT
    from counter.reception import ReceptionWindow
    from hardware.printer import FakeTicketPrinter
    from kiosk.kiosk_window import KioskWindow
    from kiosk.live_feed import LiveFeed
    from kiosk.settings import KioskSettings
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
    reception = ReceptionWindow(loket, "dalfsen")  # its own poll, as on a reception PC
    kiosk = KioskWindow(
        loket, KioskSettings("dalfsen", fullscreen=False), printer=FakeTicketPrinter()
    )
    for w in (window, manager, reception, kiosk):
        qtbot.addWidget(w)
        w.show()
    staff = (window, manager, reception)
    try:
        _login(qtbot, window, "anna", "1111")
        _login(qtbot, manager, "eva", "5555")
        _login(qtbot, reception, "carla", "3333")
        assert window.services and manager.services and reception.services
        assert reception.queue is not None
        assert kiosk.current == "start"
        assert all(w.offline_banner.isHidden() for w in staff)

        postgres_server.pause()
        # No click needed: every screen notices and says so.
        for w in staff:
            qtbot.waitUntil(w.offline_banner.isVisible, timeout=20000)
            assert w.offline_banner.text() == OFFLINE_TEXT
        qtbot.waitUntil(lambda: kiosk.current == "busy", timeout=20000)
        screenshot(window, "counter_offline")
        screenshot(reception, "reception_offline")
        screenshot(kiosk, "kiosk_offline")

        postgres_server.resume()
        # Other PCs work on, possibly before these windows have reconnected.
        other = Loket(
            Database(url),
            Clock(TUESDAY_9, frozen=True),
            Actor("kiosk-2", roles=frozenset({"kiosk"})),
        )
        try:
            first = other.issue_ticket("dalfsen", "paspoort")
            second = other.issue_ticket("dalfsen", "rijbewijs")
        finally:
            other.db.dispose()
        for w in staff:
            qtbot.waitUntil(w.offline_banner.isHidden, timeout=30000)
        qtbot.waitUntil(lambda: kiosk.current == "start", timeout=30000)
        assert window.message.text() == "De verbinding is terug."

        queue = reception.queue

        def shown() -> set[str]:
            items = (queue.table.item(r, 0) for r in range(queue.table.rowCount()))
            return {item.text() for item in items if item is not None}

        qtbot.waitUntil(lambda: {first.number, second.number} <= shown(), timeout=10000)
        qtbot.waitUntil(lambda: window.summary.text().startswith("2 wachtend"), timeout=10000)
        called = window.services.call_next("dalfsen", 1)
        assert called is not None and called.number == first.number  # it answers again
    finally:
        feed.stop()
        kiosk.unlock_and_close()
        loket.db.dispose()
