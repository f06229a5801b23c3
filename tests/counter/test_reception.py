"""Reception driven like a receptionist does, with screenshots of each tab."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QStyle, QTabWidget

from counter.reception import ReceptionWindow
from tests.counter.test_workstation import shot
from tests.loket.test_imports import CSV


def answer_question(qtbot, choice: str) -> None:  # type: ignore[no-untyped-def]
    """Press ``choice`` in the question that is about to open (a real QMessageBox)."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press)
            return
        next(b for b in box.buttons() if b.text() == choice).click()

    QTimer.singleShot(20, press)


def _tabs(window: ReceptionWindow) -> QTabWidget:
    assert window.tabs is not None, "the tabs appear after logging in"
    return window.tabs


def _open(qtbot, loket, code: str, pin: str) -> ReceptionWindow:
    window = ReceptionWindow(loket, "dalfsen")
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClicks(window.login.code, code)
    qtbot.keyClicks(window.login.pin, pin)
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)
    return window


def test_walk_in_with_assistance_and_check_in_by_name(qtbot, sqlite_loket):
    sqlite_loket.book_appointment(
        "dalfsen", "rijbewijs", datetime(2026, 11, 24, 9, 30), name="M. Jansen", channel="phone"
    )
    window = _open(qtbot, sqlite_loket, "carla", "3333")
    assert window.services is not None and window.special is not None
    front = window.front
    front.service_list.setCurrentRow(1)
    front.assistance.setChecked(True)
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert front.issued.text() == "B 1"
    assert sqlite_loket.snapshot("dalfsen").waiting[0].needs_assistance
    qtbot.keyClicks(front.search, "jans")
    assert front.results.rowCount() == 1
    front.results.selectRow(0)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert front.checked.text().startswith("Ingecheckt: M. Jansen, nummer D 1")
    shot(window, "reception-front-desk")
    # A receptionist may not serve: the live queue hides "call next".
    assert window.queue is not None and window.queue.counter_box.isHidden()


def test_phone_booking_reschedule_cancel_and_letter(qtbot, sqlite_loket, tmp_path: Path):
    window = _open(qtbot, sqlite_loket, "carla", "3333")
    cal = window.calendar
    _tabs(window).setCurrentWidget(cal)
    cal.service_box.setCurrentIndex(cal.service_box.findData("paspoort"))
    cal.set_day(date(2026, 11, 25))
    assert cal.select_slot(datetime(2026, 11, 25, 10, 0))
    cal.name.setText("A. Bakker")
    cal.phone.setText("0611111111")
    cal.assistance.setChecked(True)
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Afspraak gemaakt: 25-11 10:00" in cal.message.text()
    reference = cal.message.text().split("afspraaknummer ")[1][:8]
    assert cal.list.rowCount() == 1
    shot(window, "reception-calendar-day")
    assert cal.select_slot(datetime(2026, 11, 25, 11, 0))
    assert cal.select_appointment(reference)
    cal.reschedule()
    assert "verzet naar 25-11 11:00" in cal.message.text()
    moved = cal.message.text().split("afspraaknummer: ")[1][:8]
    letter = cal.save_letter(str(tmp_path / "brief.pdf"))
    assert letter and Path(letter).read_bytes().startswith(b"%PDF")
    assert not cal.mail_button.isEnabled()  # no [smtp] configured on this PC
    cal.set_day(date(2026, 11, 25), week=True)
    assert cal.grid.columnCount() == 6
    shot(window, "reception-calendar-week")
    cal.set_day(date(2026, 11, 25))
    cal.select_appointment(moved)
    # Cancelling asks first; "Terug" keeps the appointment.
    answer_question(qtbot, "Terug")
    cal.cancel()
    assert sqlite_loket.appointment(moved).status == "booked"
    assert cal.message.text() == "De afspraak is niet geannuleerd."
    answer_question(qtbot, "Afspraak annuleren")
    cal.cancel()
    assert sqlite_loket.appointment(moved).status == "cancelled"
    # A wrong e-mail address is refused, not stored.
    assert cal.select_slot(datetime(2026, 11, 25, 11, 0))
    cal.name.setText("B. de Boer")
    cal.email.setText("not-an-email")
    cal.book()
    assert "klopt niet" in cal.message.text() and cal.message.objectName() == "error"


def test_closure_extra_session_and_import(qtbot, sqlite_loket, tmp_path: Path):
    window = _open(qtbot, sqlite_loket, "carla", "3333")
    special = window.special
    assert special is not None
    _tabs(window).setCurrentWidget(special)
    special.branch_box.setCurrentIndex(special.branch_box.findData("lemelerveld"))
    special.day.setDate(special.day.date().addDays(2))  # Thursday 26 November
    special.reason.setText("Spreekuur in de bibliotheek")
    special.add_session()
    assert "Extra spreekuur toegevoegd. Open: 09:00-12:00" in special.message.text()
    assert special.table.rowCount() == 1
    shot(window, "reception-special-days")
    path = tmp_path / "afspraken.csv"
    path.write_text(CSV, encoding="utf-8")
    _tabs(window).setCurrentWidget(window.imports)
    report = window.imports.import_file(path)
    assert len(report.booked) == 2 and window.imports.table.rowCount() == 5
    shot(window, "reception-import")


def test_counter_clerk_at_reception_does_not_see_closures(qtbot, sqlite_loket):
    window = _open(qtbot, sqlite_loket, "anna", "1111")
    assert window.services is not None and window.special is None
    titles = [_tabs(window).tabText(i) for i in range(_tabs(window).count())]
    assert "Sluitingen en extra spreekuren" not in titles
    assert window.queue is not None and not window.queue.counter_box.isHidden()


def test_one_key_never_checks_in_or_serves_someone_not_chosen(qtbot, sqlite_loket):
    for minute, name in ((30, "M. Jansen"), (45, "P. Janssens")):
        sqlite_loket.book_appointment(
            "dalfsen", "rijbewijs", datetime(2026, 11, 24, 9, minute), name=name
        )
    window = _open(qtbot, sqlite_loket, "carla", "3333")
    front = window.front
    qtbot.keyClicks(front.search, "jans")
    assert front.results.rowCount() == 2
    assert front.results.selectedItems() == []  # nobody chosen in advance
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert front.checked.text() == "Kies eerst in de lijst wie u wilt inchecken."
    assert sqlite_loket.snapshot("dalfsen").waiting == []
    front.results.selectRow(1)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert len(sqlite_loket.snapshot("dalfsen").waiting) == 1  # the second press: nobody
    assert front.checked.text() == "Kies eerst in de lijst wie u wilt inchecken."
    assert front.checked.objectName() == "error"
    # "Nummer geven" with no service chosen gives no number.
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert front.issued.text() == ""
    assert front.issued_text.text() == "Kies eerst de dienst waarvoor de bezoeker komt."
    assert len(sqlite_loket.snapshot("dalfsen").waiting) == 1
    # After a refusal, a success is shown in the calm colour again.
    front.service_list.setCurrentRow(0)
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert front.issued.text() == "A 1"
    assert front.issued_text.objectName() == "message"
    assert front.issued_text.palette().color(front.issued_text.foregroundRole()).name() == "#1d3557"
    assert front.service_list.selectedItems() == []  # the next visitor is asked again


def test_check_in_list_shows_times_services_and_status_in_full(qtbot, sqlite_loket):
    sqlite_loket.book_appointment(
        "dalfsen", "uittreksel", datetime(2026, 11, 24, 10, 30),
        name="Alexandra van der Berg-Hoogeveen",
    )  # fmt: skip
    window = _open(qtbot, sqlite_loket, "carla", "3333")
    window.resize(1366, 768)
    front = window.front
    qtbot.keyClicks(front.search, "Berg")
    table = front.results
    assert table.rowCount() == 1
    metrics = table.fontMetrics()
    # Qt draws a cell's text inside a focus-frame margin on each side.
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    for column in (0, 2, 3):
        cell = table.item(0, column)
        assert cell is not None
        text = cell.text()
        assert metrics.horizontalAdvance(text) + margin <= table.columnWidth(column), text
    shot(window, "reception-check-in-columns")


def test_early_visitor_can_be_let_in_by_reception_and_it_is_recorded(qtbot, sqlite_loket):
    sqlite_loket.book_appointment(
        "dalfsen", "rijbewijs", datetime(2026, 11, 24, 11, 0), name="M. Jansen", channel="phone"
    )
    window = _open(qtbot, sqlite_loket, "carla", "3333")
    front = window.front
    qtbot.keyClicks(front.search, "jans")
    front.results.selectRow(0)
    # The first time the receptionist says no: nothing happens, and the line says why.
    answer_question(qtbot, "Niet inchecken")
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert front.checked.text().startswith("Niet ingecheckt: M. Jansen is te vroeg.")
    assert sqlite_loket.snapshot("dalfsen").waiting == []
    # Then goes ahead anyway: checked in, and on record who let the visitor in early.
    front.results.selectRow(0)
    answer_question(qtbot, "Toch inchecken")
    qtbot.mouseClick(front.check_in_button, Qt.MouseButton.LeftButton)
    assert front.checked.text().startswith("Ingecheckt: M. Jansen, nummer D 1")
    early = [
        e for e in sqlite_loket.events_after(0, 100000) if e["kind"] == "appointment.let_in_early"
    ]
    assert len(early) == 1 and early[0]["workstation"] == window.workstation
    assert "M. Jansen" not in str(early[0]["data"])  # no personal data in the event


def test_kiosk_cannot_let_itself_in_early(sqlite_loket):
    from loket.errors import DomainError
    from loket.events import Actor

    booked = sqlite_loket.book_appointment(
        "dalfsen", "rijbewijs", datetime(2026, 11, 24, 11, 0), name="M. Jansen", channel="phone"
    )
    kiosk = sqlite_loket.as_actor(Actor("kiosk-hal", roles=frozenset({"kiosk"})))
    with pytest.raises(DomainError) as refused:
        kiosk.check_in_reference(booked.reference, "dalfsen", early_ok=True)
    assert refused.value.code == "permission"
