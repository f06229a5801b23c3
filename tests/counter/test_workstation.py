"""The counter workstation driven like a clerk does, with screenshots of each screen."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from counter.workstation import CounterWorkstation
from hardware.card_reader import FakeCardReader
from hardware.qt_bridge import CardEventBridge
from kiosk.fit_check import problems, settle
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
    assert window.services is None
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
    assert window.services is not None
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
    # Called twice so far: the rule is on screen before pressing, and F6 waits for it.
    assert "Niet gekomen kan na 3 keer oproepen. Nog 1 keer" in window.no_show_rule.text()
    assert window.no_show_rule.isVisible() and not window.no_show_button.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert window.current_number == second
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.no_show_button.isEnabled() and "Dat is gebeurd" in window.no_show_rule.text()
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
    assert window.services is not None and window.counter == 2
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
    assert window.services is None
    assert window.stack.currentWidget() is window.login
    assert "pas uit de lezer" in window.login.message.text()
    shot(window, "counter-locked")
    kinds = [e["kind"] for e in sqlite_loket.events_after(0)]
    assert kinds[-1] == "staff.logout"
    reader.insert(ANNA_CARD)
    assert window.services is not None and window.counter == 2


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _colours(widget: QWidget) -> tuple[QColor, QColor]:
    """The background (most frequent colour) and the colour furthest from it (the text)."""
    from collections import Counter

    image = widget.grab().toImage()
    pixels = Counter(
        image.pixel(x, y) for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
    )
    background = QColor(pixels.most_common(1)[0][0])
    text = max((QColor(p) for p in pixels), key=lambda c: _contrast(c, background))
    return background, text


def test_counter_details_help_the_clerk(qtbot, sqlite_loket):
    _morning(sqlite_loket)
    window = CounterWorkstation(sqlite_loket, "dalfsen", counter=1, poll_ms=60_000)
    qtbot.addWidget(window)
    _show(qtbot, window)
    _login(qtbot, window, "anna", "1111", counter=1)
    # Every service name whole in the queue list (wrapped, not cut) on a 1280 px screen.
    window.resize(1280, 800)
    settle()
    table = window.queue_table
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        assert item is not None
        room = table.visualItemRect(item).adjusted(4, 0, -4, 0)
        needed = table.fontMetrics().boundingRect(
            room.adjusted(0, 0, 0, 1000), int(Qt.TextFlag.TextWordWrap), item.text()
        )
        assert needed.height() <= room.height(), f"cut: {item.text()!r}"
    # The help button stands out from the header, and its words from the button.
    header = window.header_title.parentWidget()
    assert header is not None
    header_bg, _ = _colours(header)
    button_bg, button_text = _colours(window.alert_button)
    assert _contrast(button_bg, header_bg) >= 3 and _contrast(button_text, button_bg) >= 4.5
    # Asking for help: a red band across the screen says it was heard, until withdrawn.
    assert not window.alert_banner.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert window.alert_banner.isVisible() and "er komt iemand" in window.alert_banner.text()
    banner_bg, banner_text = _colours(window.alert_banner)
    assert _contrast(banner_text, banner_bg) >= 4.5
    settle()
    assert problems(window, window.size()) == []  # "Collega komt [F12 = intrekken]" whole
    shot(window, "counter-alert-banner")
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert not window.alert_banner.isVisible()

    # A follow-up for a visitor who wants to be called by name keeps that wish.
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert "wil bij naam worden geroepen" in window.welcome.text()
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert dialog.call_by_name.isChecked()
    # "Terug" steps back: never styled as the main action.
    back = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    main = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert back.text() == "Terug" and back.objectName() == "secondary"
    assert _colours(back)[0] != _colours(main)[0]
    shot(dialog, "counter-follow-up")
    dialog.reject()
