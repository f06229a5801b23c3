"""The counter workstation driven like a clerk does, with screenshots of each screen."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from counter.workstation import CounterWorkstation
from hardware.card_reader import FakeCardReader
from hardware.qt_bridge import CardEventBridge
from loket.feed import open_feed
from loket.services import Loket

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
ANNA_CARD = "04A1B2C3D4E5F6"


def shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _morning(loket: Loket) -> str:
    """An appointment checked in plus walk-ins waiting; returns the appointment's number."""
    booked = loket.book_appointment(
        "dalfsen",
        "paspoort",
        datetime(2026, 11, 24, 9, 5),
        name="J. de Vries",
        notes="Vorige keer pasfoto afgekeurd",
        call_by_name=True,
        needs_assistance=True,
        email="jdv@example.nl",
        channel="phone",
    )
    loket.clock.set(datetime(2026, 11, 24, 9, 4))
    ticket, _ = loket.check_in_reference(booked.reference, "dalfsen")
    loket.clock.set(datetime(2026, 11, 24, 9, 6))
    loket.issue_ticket("dalfsen", "uittreksel")
    loket.issue_ticket("dalfsen", "verhuizing")
    loket.clock.set(datetime(2026, 11, 24, 9, 8))
    return ticket.number


def _show(qtbot, window: QWidget) -> None:
    # Shortcuts work in the active window, as on the clerk's PC.
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()


def _login(qtbot, window: CounterWorkstation, code: str, pin: str, counter: int = 1) -> None:
    window.login.choose_counter(counter)
    qtbot.keyClicks(window.login.code, code)
    qtbot.keyClicks(window.login.pin, pin)
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)


def test_receptionist_is_refused_at_the_counter_with_a_clear_sentence(qtbot, sqlite_loket):
    window = CounterWorkstation(sqlite_loket, "dalfsen", poll_ms=60_000)
    qtbot.addWidget(window)
    _show(qtbot, window)
    _login(qtbot, window, "carla", "3333")
    assert window.session is None
    assert "receptie" in window.login.message.text()
    assert "bezoekers helpen aan de balie" in window.login.message.text()
    shot(window, "counter-login-refused")


def test_a_full_visit_with_the_keyboard(qtbot, sqlite_loket):
    number = _morning(sqlite_loket)
    window = CounterWorkstation(sqlite_loket, "dalfsen", poll_ms=60_000)
    qtbot.addWidget(window)
    _show(qtbot, window)
    shot(window, "counter-login")
    _login(qtbot, window, "anna", "1111", counter=1)
    assert window.session is not None
    assert window.summary.text().startswith("3 wachtend")
    staffed = sqlite_loket.events_after(0, limit=10_000)[-1]
    assert (staffed["kind"], staffed["data"].get("status")) == ("staff.status", "available")
    shot(window, "counter-queues")
    qtbot.keyClick(window, Qt.Key.Key_F2)  # next: the appointment is due, called first
    assert window.current_number == number
    assert "J. de Vries" in window.welcome.text() and "bij naam" in window.welcome.text()
    assert "pasfoto" in window.bring.text() and "afgekeurd" in window.notes.text()
    assert window.reason.text().startswith("Waarom dit nummer:")
    assert window.badge.isVisible()
    assert not window.next_button.isEnabled() and window.recall_button.isEnabled()
    shot(window, "counter-called")
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert "2×" in window.ticket_state.text()
    qtbot.keyClick(window, Qt.Key.Key_F4)
    assert window.finish_button.isEnabled()
    shot(window, "counter-serving")

    # A follow-up appointment for collecting the passport, prefilled with the name.
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert dialog.name.text() == "J. de Vries" and dialog.email.text() == "jdv@example.nl"
    dialog.picker.service_box.setCurrentIndex(dialog.picker.service_box.findData("ophalen"))
    dialog.picker.set_day(datetime(2026, 12, 8).date())
    assert dialog.picker.select(datetime(2026, 12, 8, 9, 0))
    shot(dialog, "counter-follow-up")
    dialog.accept()
    assert "Vervolgafspraak gemaakt: 08-12 09:00" in window.message.text()

    window.outcome_box.setCurrentIndex(1)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.current_number is None
    assert f"{number} is afgerond" in window.message.text()
    finished = [e for e in sqlite_loket.events_after(0) if e["kind"] == "ticket.finished"]
    assert finished[-1]["data"]["outcome"] == "incomplete"


def test_transfer_park_call_number_and_no_show(qtbot, sqlite_loket):
    _morning(sqlite_loket)
    window = CounterWorkstation(sqlite_loket, "dalfsen", poll_ms=60_000)
    qtbot.addWidget(window)
    _show(qtbot, window)
    _login(qtbot, window, "anna", "1111", counter=1)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    first = window.current_number
    qtbot.keyClick(window, Qt.Key.Key_F8)
    dialog = window.dialog
    dialog.counter_box.setCurrentIndex(dialog.counter_box.findData(3))
    dialog.note.setText("Wil ook geboorte aangeven")
    shot(dialog, "counter-transfer")
    dialog.accept()
    assert window.current_number is None and "balie 3" in window.message.text()

    qtbot.keyClick(window, Qt.Key.Key_F2)
    second = window.current_number
    assert second and second != first
    qtbot.keyClick(window, Qt.Key.Key_F7)
    window.dialog.note.setText("Haalt pasfoto")
    window.dialog.accept()
    assert second in window.parked.text()

    qtbot.keyClick(window, Qt.Key.Key_F9)
    window.dialog.number.setText(second)
    window.dialog.reason.setCurrentIndex(window.dialog.reason.findData("returned"))
    window.dialog.accept()
    assert window.current_number == second
    assert "Reden: Terug na apart zetten" in window.message.text()
    qtbot.keyClick(window, Qt.Key.Key_F6)  # called twice so far: the third call is due first
    assert "Roep nog 1 keer op" in window.message.text()
    assert window.current_number == second
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert window.current_number is None and "niet gekomen" in window.message.text()


def test_status_alert_and_card_lock(qtbot, sqlite_loket):
    bridge = CardEventBridge()
    reader = FakeCardReader(bridge.deliver)
    window = CounterWorkstation(
        sqlite_loket, "dalfsen", counter=2, card_bridge=bridge, poll_ms=60_000
    )
    qtbot.addWidget(window)
    _show(qtbot, window)
    reader.start()
    reader.insert(ANNA_CARD)
    assert window.session is not None and window.counter == 2
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.status == "break" and not window.next_button.isEnabled()
    assert "pauze" in window.welcome.text()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.next_button.isEnabled()

    feed = open_feed(sqlite_loket.db.url)
    try:
        qtbot.keyClick(window, Qt.Key.Key_F12)
        records = feed.wait(2.0)
        alert = [r for r in records if r["kind"] == "alert.aggression"]
        assert alert and alert[0]["data"] == {"counter": 2, "branch": "dalfsen"}
    finally:
        feed.close()
    assert "teamleider is gewaarschuwd" in window.message.text()
    shot(window, "counter-alert")
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert not window.alert_on

    reader.remove()
    assert window.session is None
    assert window.stack.currentWidget() is window.login
    assert "pas uit de lezer" in window.login.message.text()
    shot(window, "counter-locked")
    kinds = [e["kind"] for e in sqlite_loket.events_after(0)]
    assert kinds[-1] == "staff.logout"
    reader.insert(ANNA_CARD)
    assert window.session is not None and window.counter == 2
