"""When nobody who does the service sits at a counter, the kiosk says so and from when
someone is expected, on the screen and on the paper ticket, never "0 minutes"."""

from __future__ import annotations

from datetime import date, time

from tests.kiosk.conftest import screenshot

TUESDAY = date(2026, 11, 24)


def test_nobody_for_the_service_shows_from_when_on_screen_and_ticket(
    qtbot, kiosk, sqlite_loket, printer
):
    loket = sqlite_loket
    for weekday in range(5):
        loket.planning.set_expected_volume("dalfsen", "paspoort", weekday, 12, 4)
    # Everyone who does passports works Tuesday afternoons only.
    for code in ("anna", "bram", "daan", "fenna", "gijs"):
        loket.planning.set_availability(code, {1: [(time(13, 0), time(17, 0))]})
    loket.planning.plan(TUESDAY, work_limit=0.5)
    kiosk.take_number("paspoort", False)
    assert kiosk.current == "ticket"
    details = kiosk.ticket.details.text()
    assert "Nu is er niemand voor deze dienst. Verwacht vanaf 13:00." in details
    assert "minuten" not in details
    qtbot.waitUntil(lambda: len(printer.printed) == 1)
    assert printer.printed[0].words is not None
    assert printer.printed[0].words.wait == (
        "Nu is er niemand voor deze dienst. Verwacht vanaf 13:00."
    )
    screenshot(kiosk, "kiosk-ticket-nobody-for-service")
    # In English too, on screen and on paper.
    kiosk.set_language("en")
    kiosk.take_number("paspoort", False)
    assert "Nobody is serving this right now. Expected from 13:00." in kiosk.ticket.details.text()
    qtbot.waitUntil(lambda: len(printer.printed) == 2)
    assert printer.printed[1].words is not None
    assert printer.printed[1].words.wait == "Nobody is serving this right now. Expected from 13:00."
    screenshot(kiosk, "kiosk-ticket-nobody-for-service-en")
