"""The team leader's monitor: alerts through the real event feed, KPIs of a scripted
morning, and a screenshot as the team leader sees it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from counter.manager import ManagerWindow
from counter.style import cell_text
from kiosk.live_feed import LiveFeed
from loket.events import Actor
from loket.services import Loket
from tests.counter.test_workstation import shot

BRANCH = "dalfsen"


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 24, hour, minute)


def clerk(loket: Loket, code: str, pin: str) -> Loket:
    return loket.as_actor(loket.login_pin(code, pin).actor(f"balie-{code}"))


@pytest.fixture
def feed(sqlite_loket: Loket) -> Iterator[LiveFeed]:
    live = LiveFeed(sqlite_loket)
    yield live
    live.stop()


def _open(qtbot, loket: Loket, feed: LiveFeed | None = None) -> ManagerWindow:
    window = ManagerWindow(loket, BRANCH, feed=feed, sound=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClicks(window.login.code, "eva")
    qtbot.keyClicks(window.login.pin, "5555")
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.work
    return window


def test_an_alert_from_a_counter_shows_within_a_second_and_clears(
    qtbot, sqlite_loket: Loket, feed: LiveFeed
):
    window = _open(qtbot, sqlite_loket, feed)
    assert window.alarm_counters == []
    anna = clerk(sqlite_loket, "anna", "1111")

    anna.raise_counter_alert(BRANCH, 2)
    qtbot.waitUntil(lambda: window.alarm_counters == [2], timeout=1000)
    assert "balie 2" in window.alarm_labels[2].text()
    assert window.windowTitle().startswith("HULP NODIG balie 2")
    row = [cell_text(window.counter_table, 1, c) for c in range(2)]
    assert row == ["Balie 2", "HULP NODIG"]

    anna.clear_alert(BRANCH, 2)
    qtbot.waitUntil(lambda: window.alarm_counters == [], timeout=1000)
    assert not window.alarm.isVisible()
    assert not window.windowTitle().startswith("HULP")


def test_a_printer_alert_from_the_kiosk_shows_until_seen(
    qtbot, sqlite_loket: Loket, feed: LiveFeed
):
    window = _open(qtbot, sqlite_loket, feed)
    kiosk = sqlite_loket.as_actor(Actor("kiosk-hal", roles=frozenset({"kiosk"})))
    kiosk.raise_device_alert("printer", BRANCH, problem="paper_out")
    qtbot.waitUntil(window.devices.isVisible, timeout=1000)
    texts = [w.text() for w in window.devices.findChildren(type(window.hint))]
    assert any("Printer van het aanmeldscherm: papier op" in t and "kiosk-hal" in t for t in texts)
    assert window.state is not None
    window.acknowledge(window.state.device_alerts[0].event_id)
    assert not window.devices.isVisible()


def test_the_team_leader_may_clear_an_alert_and_reception_may_not_log_in(
    qtbot, sqlite_loket: Loket
):
    clerk(sqlite_loket, "bram", "2222").raise_counter_alert(BRANCH, 1)
    window = _open(qtbot, sqlite_loket)
    assert window.alarm_counters == [1]  # an alert raised before login shows too
    window.clear_alert(1)
    assert window.alarm_counters == []
    window.log_out()

    qtbot.keyClicks(window.login.code, "carla")
    qtbot.keyClicks(window.login.pin, "3333")
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.login
    assert "teamleider" in window.login.message.text()


def _scripted_morning(loket: Loket) -> None:
    """09:00–09:20 at Dalfsen; the expected figures are worked out in the test."""
    clock = loket.clock
    anna = clerk(loket, "anna", "1111")
    bram = clerk(loket, "bram", "2222")
    fenna = clerk(loket, "fenna", "6666")
    clock.set(at(9, 0))
    a1 = loket.issue_ticket(BRANCH, "paspoort").number
    clock.set(at(9, 1))
    a2 = loket.issue_ticket(BRANCH, "paspoort").number
    clock.set(at(9, 2))
    g1 = loket.issue_ticket(BRANCH, "uittreksel").number
    clock.set(at(9, 3))
    anna.call_ticket(BRANCH, 1, a1, "test")  # waited 3 min: within
    clock.set(at(9, 4))
    bram.call_ticket(BRANCH, 2, g1, "test")  # waited 2 min: within
    bram.start(BRANCH, g1)
    clock.set(at(9, 10))
    anna.start(BRANCH, a1)
    anna.finish(BRANCH, a1)
    clock.set(at(9, 12))
    anna.call_ticket(BRANCH, 1, a2, "test")  # waited 11 min: a miss
    anna.recall(BRANCH, a2)  # a recall is no new visit
    clock.set(at(9, 13))
    loket.issue_ticket(BRANCH, "verhuizing")  # still waiting at 09:20: 7 min, a miss
    clock.set(at(9, 15))
    fenna.set_counter_status(BRANCH, 3, "back_office")
    clock.set(at(9, 18))
    loket.issue_ticket(BRANCH, "verhuizing")  # 2 min at 09:20: not (yet) a miss
    clock.set(at(9, 20))


def test_kpis_of_a_scripted_morning(qtbot, sqlite_loket: Loket):
    _scripted_morning(sqlite_loket)
    eva = sqlite_loket.as_actor(sqlite_loket.login_pin("eva", "5555").actor("teamleider-pc"))
    m = eva.monitor(BRANCH)
    by = {s.service: s for s in m.services}
    assert (by["paspoort"].waiting, by["paspoort"].called) == (0, 2)
    assert by["paspoort"].called_within_norm == 1
    assert by["paspoort"].share_within_norm == 0.5
    assert by["uittreksel"].share_within_norm == 1.0
    assert (by["verhuizing"].waiting, by["verhuizing"].longest_wait_minutes) == (2, 7)
    assert (by["verhuizing"].over_norm, by["verhuizing"].share_within_norm) == (1, 0.0)
    assert by["geboorte"].share_within_norm is None
    # 2 of 3 called within 5 min, plus one still waiting too long: 2 of 4.
    assert m.share_within_norm == 0.5
    assert (m.waiting, m.longest_wait_minutes, m.called) == (2, 7, 3)
    counters = {c.counter: c for c in m.counters}
    assert (counters[1].ticket_status, counters[1].since) == ("called", at(9, 12))
    assert counters[2].ticket_status == "serving" and counters[2].service_name
    assert (counters[3].status, counters[3].ticket) == ("back_office", None)
    assert counters[4].status == "unused"

    # Reception may follow the queue, a kiosk may not read the monitor.
    kiosk = sqlite_loket.as_actor(Actor("kiosk-hal", roles=frozenset({"kiosk"})))
    with pytest.raises(Exception, match="monitor"):
        kiosk.monitor(BRANCH)

    window = _open(qtbot, sqlite_loket)
    assert window.tile_share.value.text() == "50%"
    assert window.tile_longest.value.text() == "7 min"
    assert window.tile_longest.value.objectName() == "tileValueBad"
    assert cell_text(window.counter_table, 0, 2) == "A 2"
    # Quiet services are left out of the table.
    shown = [cell_text(window.service_table, r, 0) for r in range(window.service_table.rowCount())]
    assert len(shown) == 3 and shown[0].startswith("A")

    # How the team leader sees it with a counter in trouble and the kiosk out of paper.
    clerk(sqlite_loket, "anna", "1111").raise_counter_alert(BRANCH, 1)
    kiosk.raise_device_alert("printer", BRANCH, problem="paper_out")
    window.refresh()
    assert window.alarm_counters == [1]
    qtbot.wait(50)  # let the layout settle before the picture
    shot(window, "manager")


def test_a_long_name_never_pushes_the_header_off_a_1400_px_screen(qtbot, sqlite_loket: Loket):
    """The header keeps "Bijgewerkt HH:MM:SS" and the buttons whole at 1400 px; a long
    name is shortened with an ellipsis (its full text stays the accessible name)."""
    from PySide6.QtCore import QPoint, QRect
    from sqlalchemy import update

    from loket.models import Staff

    long_name = "Evelien van der Berg-de Jong-Vermeulen"
    with sqlite_loket.db.write() as session:
        session.execute(update(Staff).where(Staff.code == "eva").values(name=long_name))
    window = _open(qtbot, sqlite_loket)
    window.resize(1400, 900)
    qtbot.waitUntil(lambda: window.updated.text().startswith("Bijgewerkt"))
    qtbot.wait(50)
    assert window.width() <= 1400
    assert window.updated.width() >= window.updated.sizeHint().width()  # not clipped
    updated = QRect(window.updated.mapTo(window, QPoint(0, 0)), window.updated.size())
    logout = QRect(window.logout_button.mapTo(window, QPoint(0, 0)), window.logout_button.size())
    assert not updated.intersects(logout)
    assert window.header_who.text().startswith(long_name)  # whole, wrapped if need be
    shot(window, "manager-header-long-name-1400")
