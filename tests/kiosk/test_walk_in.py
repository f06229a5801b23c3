"""Walk-in tickets, printer trouble, idle reset, lock-down and a database that goes away."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from hardware.printer import Paper
from kiosk.kiosk_window import KioskWindow
from kiosk.printing import read_ticket_payload
from kiosk.settings import KioskSettings
from loket.db import Database


def test_walk_in_offers_only_walk_in_services_and_asks_about_help(
    qtbot, kiosk, sqlite_loket, printer
):
    kiosk.start.walk_in.click()
    assert kiosk.current == "services"
    offered = set(kiosk.walk_in.tiles)
    assert "paspoort" in offered and "huwelijk" not in offered  # marriage: appointment only
    kiosk.walk_in.assist.click()
    qtbot.mouseClick(kiosk.walk_in.tiles["rijbewijs"], Qt.MouseButton.LeftButton)
    assert kiosk.current == "ticket"
    assert kiosk.ticket.banner.text() == "Dit is uw nummer"
    number = kiosk.ticket.number.text()
    assert number.startswith("D ")
    assert "hulp" in kiosk.ticket.details.text()
    waiting = {t.number: t for t in sqlite_loket.snapshot("dalfsen").waiting}
    assert waiting[number].needs_assistance
    qtbot.waitUntil(lambda: len(printer.printed) == 1)
    assert read_ticket_payload(printer.printed[0].qr_payload) == ("dalfsen", number)


def test_appointment_only_period_explains_how_to_book(qtbot, kiosk, sqlite_loket):
    sqlite_loket.clock.set(datetime(2026, 11, 24, 14, 0))
    kiosk.go("services")
    assert not kiosk.walk_in.grid_box.isVisibleTo(kiosk.walk_in)
    assert kiosk.walk_in.title.text() == "Nu alleen op afspraak"
    text = kiosk.walk_in.closed_text.text()
    assert "Tot 16:30" in text and "afspraak maken" in text.lower()
    assert "woensdag 25 november vanaf 08:30" in text


def test_printer_out_of_paper_keeps_the_kiosk_working(qtbot, kiosk, sqlite_loket, printer):
    printer.paper = Paper.OUT
    last = max([0, *(e["id"] for e in sqlite_loket.events_after(0, 100000))])
    kiosk.take_number("paspoort", False)
    qtbot.waitUntil(lambda: kiosk.ticket.qr.isVisibleTo(kiosk.ticket))
    assert "printer werkt nu niet" in kiosk.ticket.printer_problem.text()
    assert kiosk.ticket.printer_problem.isVisibleTo(kiosk.ticket)
    alerts = [e for e in sqlite_loket.events_after(last) if e["kind"] == "alert.printer"]
    assert len(alerts) == 1
    assert alerts[0]["data"] == {"problem": "paper_out"}  # no personal data
    assert alerts[0]["workstation"] == "kiosk-1"
    # The next visitor still gets a number; staff are not alerted twice for one breakdown.
    kiosk.go("start")
    kiosk.take_number("idkaart", False)
    qtbot.waitUntil(lambda: kiosk.ticket.qr.isVisibleTo(kiosk.ticket))
    assert [e["kind"] for e in sqlite_loket.events_after(last)].count("alert.printer") == 1
    # Paper back: printing resumes, the QR fallback disappears.
    printer.paper = Paper.OK
    kiosk.go("start")
    kiosk.take_number("idkaart", False)
    qtbot.waitUntil(lambda: len(printer.printed) == 1)
    qtbot.waitUntil(lambda: not kiosk.ticket.qr.isVisibleTo(kiosk.ticket))


def test_offline_printer_alerts_too(qtbot, kiosk, sqlite_loket, printer):
    printer.online = False
    kiosk.take_number("paspoort", False)
    qtbot.waitUntil(lambda: kiosk.ticket.qr.isVisibleTo(kiosk.ticket))
    kinds = [(e["kind"], e["data"]) for e in sqlite_loket.events_after(0, 100000)]
    assert ("alert.printer", {"problem": "offline"}) in kinds


def test_idle_kiosk_forgets_the_visitor(qtbot, sqlite_loket, printer):
    window = KioskWindow(
        sqlite_loket, KioskSettings("dalfsen", fullscreen=False, idle_seconds=1), printer=printer
    )
    qtbot.addWidget(window)
    window.show()
    window.set_language("en")
    window.set_high_contrast(True)
    window.start.check_in.click()
    window.checkin.keypad.set_text("ABCD")
    qtbot.waitUntil(lambda: window.current == "start", timeout=3000)
    assert window.language == "nl"
    assert not window.high_contrast
    assert window.checkin.keypad.text == ""
    assert window.start.title.text() == "Welkom! Waarvoor komt u?"
    window.take_number("paspoort", False)
    qtbot.waitUntil(lambda: window.current == "start", timeout=3000)
    assert window.ticket.number.text() == ""  # no number of the previous visitor left
    window.unlock_and_close()


def _press(widget) -> None:  # type: ignore[no-untyped-def]
    event = QMouseEvent(
        QEvent.Type.MouseButtonPress,
        QPointF(5, 5),
        QPointF(5, 5),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def test_locked_down_until_a_manager_logs_in(qtbot, sqlite_loket):
    window = KioskWindow(
        sqlite_loket, KioskSettings("dalfsen", fullscreen=False, staff_press_ms=50)
    )
    qtbot.addWidget(window)
    window.show()
    window.close()
    assert window.isVisible()  # Alt+F4 and friends do nothing
    _press(window.place)  # press and hold the place name
    qtbot.waitUntil(lambda: window.current == "staff", timeout=2000)
    window.staff_pin("anna", "0000")
    assert window.current == "staff" and window.staff.problem.text()
    window.staff_pin("anna", "1111")  # a counter clerk may not close the kiosk
    assert window.current == "staff"
    assert "teamleider" in window.staff.problem.text()
    window.staff_pin("eva", "5555")  # manager
    assert window.current == "staff_menu"
    window.staff_menu.close_button.click()
    assert not window.isVisible()


def test_staff_card_is_checked_for_the_role(qtbot, sqlite_loket):
    window = KioskWindow(sqlite_loket, KioskSettings("dalfsen", fullscreen=False))
    qtbot.addWidget(window)
    window._card("04FFFFFFFFFFFF")  # unknown card: visitors see nothing change
    assert window.current == "start"
    window._card("04A1B2C3D4E5F6")  # Anna, counter clerk: may not close the kiosk
    assert window.current == "staff"
    assert "teamleider" in window.staff.problem.text()
    window.unlock_and_close()


def test_database_away_shows_even_geduld_and_recovers(qtbot, kiosk, sqlite_loket, tmp_path):
    healthy = kiosk.loket.db
    kiosk.watch.timer.setInterval(50)  # it asks whether the database is back
    # A database file that is a directory: every connection fails, like a server that is away.
    (tmp_path / "away.db").mkdir()
    kiosk.loket.db = Database(f"sqlite:///{tmp_path / 'away.db'}")
    kiosk.start.walk_in.click()
    assert kiosk.current == "busy"
    assert kiosk.busy.title.text() == "Even geduld"
    qtbot.wait(150)
    assert kiosk.current == "busy"  # still away: keeps waiting, no error dialog
    kiosk.loket.db = healthy
    qtbot.waitUntil(lambda: kiosk.current == "start", timeout=2000)
    kiosk.start.walk_in.click()
    assert kiosk.current == "services"


def _printed_flag(loket, number: str) -> bool:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from loket.models import Ticket

    with loket.db.read() as session:
        flags = [t.printed for t in session.scalars(select(Ticket)) if t.number == number]
    assert len(flags) == 1
    return flags[0]


def test_only_on_screen_prints_nothing_and_counts_as_not_printed(qtbot, sqlite_loket):
    from hardware.emulator.escpos_server import EscposEmulator
    from hardware.printer import open_printer

    with EscposEmulator() as emulator:
        window = KioskWindow(
            sqlite_loket,
            KioskSettings("dalfsen", fullscreen=False, offer_screen_only=True),
            printer=open_printer(emulator.url, "TM-T20II"),
        )
        qtbot.addWidget(window)
        window.show()
        window.take_number("paspoort", False)
        ticket = window.ticket
        number = ticket.number.text()
        # Both choices side by side; nothing printed before the visitor chose.
        assert ticket.print_button.isVisibleTo(ticket) and ticket.screen_button.isVisibleTo(ticket)
        assert ticket.print_button.text() == "Bonnetje printen"
        assert ticket.screen_button.text() == "Alleen op het scherm"
        qtbot.mouseClick(ticket.screen_button, Qt.MouseButton.LeftButton)
        # The number stays large with the QR code to photograph; no choice left open.
        assert ticket.qr.isVisibleTo(ticket) and ticket.number.text() == number
        assert "niets geprint" in ticket.printer.text()
        assert not ticket.print_button.isVisibleTo(ticket)
        assert ticket.done.isVisibleTo(ticket)
        qtbot.wait(300)
        assert emulator.receipts == []
        assert _printed_flag(sqlite_loket, number) is False
        # It waits in the queue as any other ticket: the display and counter see it.
        assert number in {t.number for t in sqlite_loket.snapshot("dalfsen").waiting}

        window.go("start")
        window.take_number("idkaart", False)
        printed_number = window.ticket.number.text()
        qtbot.mouseClick(window.ticket.print_button, Qt.MouseButton.LeftButton)
        receipt = emulator.wait_for_receipt()
        assert printed_number in receipt.text
        qtbot.waitUntil(lambda: _printed_flag(sqlite_loket, printed_number))
        assert len(emulator.receipts) == 1
        window.unlock_and_close()
