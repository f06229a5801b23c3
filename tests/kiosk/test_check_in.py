"""Check in at the kiosk: QR scan, typed short code, and every refusal with a kind word."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from loket.codes import make_short_code, new_reference
from loket.services import Loket

NINE = datetime(2026, 11, 24, 9, 0)


def book(loket: Loket, start: datetime, branch: str = "dalfsen", **extra):  # type: ignore[no-untyped-def]
    now = loket.now()
    loket.clock.set(min(now, start - timedelta(minutes=30)))
    appointment = loket.book_appointment(branch, "paspoort", start, name="T. Est", **extra)
    loket.clock.set(now)
    return appointment


def type_code(qtbot, kiosk, code: str) -> None:  # type: ignore[no-untyped-def]
    kiosk.start.check_in.click()
    assert kiosk.current == "checkin"
    for symbol in code.replace("-", ""):  # printed as UM6-FJR-XJP; the dashes are not typed
        qtbot.mouseClick(kiosk.checkin.keypad.keys[symbol], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.checkin.send, Qt.MouseButton.LeftButton)


def test_typed_short_code_checks_in_and_prints(qtbot, kiosk, sqlite_loket, printer):
    appointment = book(sqlite_loket, NINE + timedelta(minutes=20))
    type_code(qtbot, kiosk, appointment.short_code)
    assert kiosk.current == "ticket"
    assert kiosk.ticket.banner.text() == "Welkom, u bent ingecheckt"
    assert kiosk.ticket.number.text().startswith("A ")
    assert "09:20" in kiosk.ticket.details.text()
    qtbot.waitUntil(lambda: len(printer.printed) == 1)
    assert printer.printed[0].number == kiosk.ticket.number.text()
    qtbot.waitUntil(lambda: "uit de printer" in kiosk.ticket.printer.text())


def test_scanned_qr_checks_in(qtbot, kiosk, sqlite_loket):
    appointment = book(sqlite_loket, NINE)
    kiosk.handle_scan(appointment.code + "\r")
    assert kiosk.current == "ticket"
    assert "ingecheckt" in kiosk.ticket.banner.text()
    assert "wacht" in kiosk.ticket.details.text().lower()


def test_late_visitor_gets_a_regular_number(qtbot, kiosk, sqlite_loket):
    appointment = book(sqlite_loket, NINE - timedelta(minutes=30))
    kiosk.handle_scan(appointment.code)
    assert kiosk.current == "ticket"
    assert "te laat" in kiosk.ticket.details.text()


def _refusal(kiosk) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    assert kiosk.current == "message"
    return kiosk.message.title.text(), kiosk.message.text.text()


def test_every_refusal_is_kind_and_says_what_next(qtbot, kiosk, sqlite_loket):
    early = book(sqlite_loket, NINE + timedelta(hours=2))
    kiosk.handle_scan(early.code)
    title, text = _refusal(kiosk)
    assert title == "U bent te vroeg" and "11:00" in text and "10:00" in text

    tomorrow = book(sqlite_loket, NINE + timedelta(days=1))
    kiosk.handle_scan(tomorrow.code)
    assert _refusal(kiosk)[0] == "Uw afspraak is op een andere dag"

    elsewhere = book(sqlite_loket, datetime(2026, 11, 24, 18, 30), branch="nieuwleusen")
    kiosk.handle_scan(elsewhere.code)
    title, text = _refusal(kiosk)
    assert title == "Uw afspraak is op een andere plek" and "Nieuwleusen" in text

    used = book(sqlite_loket, NINE)
    kiosk.handle_scan(used.code)
    kiosk.go("start")
    kiosk.handle_scan(used.code)
    assert _refusal(kiosk)[0] == "U bent al ingecheckt"

    type_code(qtbot, kiosk, make_short_code(new_reference()))
    assert _refusal(kiosk)[0] == "Deze code kennen we niet"
    # Trying again helps here, so the screen offers it.
    assert kiosk.message.retry.isVisibleTo(kiosk.message)

    # Every refusal ends with the next step: reception helps.
    assert "receptie" in kiosk.message.help.text()


def test_refusals_in_english(qtbot, kiosk, sqlite_loket):
    kiosk.set_language("en")
    early = book(sqlite_loket, NINE + timedelta(hours=2))
    kiosk.handle_scan(early.code)
    title, text = _refusal(kiosk)
    assert title == "You are early"
    assert text.startswith("Your appointment is at 11:00. You can check in from 10:00.")
    assert "reception" in kiosk.message.help.text()


def test_half_a_code_is_not_sent(qtbot, kiosk):
    type_code(qtbot, kiosk, "ABC")
    assert kiosk.current == "checkin"
    # A warning of its own, in the warning style, that goes once the visitor types on.
    problem = kiosk.checkin.problem
    assert problem.isVisibleTo(kiosk.checkin) and problem.property("kind") == "warning"
    assert problem.text() == "Typ alle 9 tekens van uw code."
    qtbot.mouseClick(kiosk.checkin.keypad.keys["D"], Qt.MouseButton.LeftButton)
    assert not problem.isVisibleTo(kiosk.checkin)


def _printed_text(ticket) -> str:  # type: ignore[no-untyped-def]
    from hardware.ticket_layout import TextBlock, layout_ticket

    return " ".join(b.text for b in layout_ticket(ticket) if isinstance(b, TextBlock))


def test_printed_ticket_says_what_the_screen_says(qtbot, kiosk, sqlite_loket, printer):
    # Checked in early: the ticket gives the appointment time, as the screen does.
    appointment = book(sqlite_loket, NINE + timedelta(minutes=40))
    kiosk.handle_scan(appointment.code)
    assert "Uw afspraak is om 09:40" in kiosk.ticket.details.text()
    qtbot.waitUntil(lambda: len(printer.printed) == 1)
    paper = _printed_text(printer.printed[0])
    assert "Uw afspraak is om 09:40. We roepen u rond die tijd." in paper
    assert "bijna aan de beurt" not in paper and "wachttijd" not in paper.lower()

    # An English visitor: English words for the place to wait, on paper and screen.
    kiosk.go("start")
    kiosk.set_language("en")
    kiosk.take_number("idkaart", False)
    qtbot.waitUntil(lambda: len(printer.printed) == 2)
    english = printer.printed[1]
    assert english.language == "en"
    assert english.wait_area in kiosk.ticket.details.text()
    assert "wacht" not in english.wait_area.lower() and "hal" not in english.wait_area.split()
    assert f"Please wait in: {english.wait_area}" in _printed_text(english)


def _typo(code: str) -> str:
    """The short code with one symbol typed wrong (another symbol of the keypad)."""
    from loket.views import REFERENCE_ALPHABET

    plain = code.replace("-", "")
    wrong = next(c for c in REFERENCE_ALPHABET if c != plain[4])
    return plain[:4] + wrong + plain[5:]


def test_code_errors_say_what_happened(qtbot, kiosk, sqlite_loket):
    appointment = book(sqlite_loket, NINE + timedelta(minutes=20))
    # One symbol typed wrong: a typing slip, not a misread.
    type_code(qtbot, kiosk, _typo(appointment.short_code))
    title, text = _refusal(kiosk)
    assert title == "Deze code klopt niet" and "typ de code nog een keer" in text
    assert kiosk.message.retry.isVisibleTo(kiosk.message)
    # A scan the scanner garbled: that is a misread.
    kiosk.go("start")
    kiosk.handle_scan("3F9-X")
    assert _refusal(kiosk)[0] == "De code is niet goed gelezen"
    # A code that fits but belongs to no appointment: one place to go for help.
    type_code(qtbot, kiosk, make_short_code(new_reference()))
    title, text = _refusal(kiosk)
    assert title == "Deze code kennen we niet"
    assert "medewerker" not in text and "receptie" not in text
    assert "receptie" in kiosk.message.help.text()
    # Switching language keeps the specific title.
    kiosk.set_language("en")
    assert _refusal(kiosk)[0] == "We do not know this code"
    kiosk.set_language("nl")
    assert _refusal(kiosk)[0] == "Deze code kennen we niet"


def _take_number_offered(qtbot, kiosk) -> str:  # type: ignore[no-untyped-def]
    button = kiosk.message.take_number
    assert button.isVisibleTo(kiosk.message) and button.text() == "Nummer nemen"
    assert kiosk.message.home.property("kind") != "primary"  # one main action
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert kiosk.current == "ticket"
    return kiosk.ticket.number.text()


def test_refusals_offer_the_next_step(qtbot, kiosk, sqlite_loket):
    # The appointment was yesterday: a number for the same service, in one touch.
    yesterday = book(sqlite_loket, NINE - timedelta(days=1))
    kiosk.handle_scan(yesterday.code)
    title, text = _refusal(kiosk)
    assert title == "Uw afspraak is voorbij" and "Neem een nummer" in text
    assert _take_number_offered(qtbot, kiosk).startswith("A ")  # A: paspoort

    # Too early: when to come back, or a number now.
    kiosk.go("start")
    early = book(sqlite_loket, NINE + timedelta(hours=2))
    kiosk.handle_scan(early.code)
    title, text = _refusal(kiosk)
    assert title == "U bent te vroeg" and "vanaf 10:00" in text and "Kom dan terug" in text
    assert _take_number_offered(qtbot, kiosk).startswith("A ")

    # Very late (marked as not come): a number as the next step too.
    kiosk.go("start")
    missed = book(sqlite_loket, NINE + timedelta(minutes=10))
    sqlite_loket.clock.set(NINE + timedelta(hours=2))
    assert sqlite_loket.expire_missed_appointments() >= 1
    kiosk.handle_scan(missed.code)
    title, text = _refusal(kiosk)
    assert title == "Uw afspraak is voorbij" and "Neem een nummer" in text
    assert _take_number_offered(qtbot, kiosk).startswith("A ")
