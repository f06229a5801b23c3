"""Every kiosk screen, the display, the ticket and the letter in every shipped language.

Screenshots go to ``tests/screenshots/languages/`` (the kiosk tests' screenshot folder)
for a person to look at; each kiosk screen and the display are checked by the fit check
of the screen-size test (``kiosk.fit_check``: nothing cut off, shortened or overlapping).
Arabic mirrors the kiosk, numbers and ticket codes stay left to right.
"""

from __future__ import annotations

import dataclasses
import subprocess
import unicodedata
from collections.abc import Iterator
from datetime import timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSize, Qt

from hardware.printer import FakeTicketPrinter
from hardware.ticket_png import render_ticket_png
from kiosk.display_window import DisplayWindow, call_words
from kiosk.fit_check import problems, settle
from kiosk.kiosk_window import KioskWindow
from kiosk.printing import ticket_print, ticket_words
from kiosk.settings import DisplaySettings, KioskSettings
from loket.demo import Demo, create_demo
from loket.language import say, shipped
from tests.kiosk.conftest import SHOTS

LANGUAGES = ("nl", "en", "de", "pl", "tr", "uk", "ar")  # as the demo municipality lists them
SIZE = (1920, 1080)
KIOSK_SCREENS = [
    "start", "language", "checkin", "services", "ticket", "message", "feedback_number",
    "feedback_rating", "thanks", "busy",
]  # fmt: skip
FOLDER = SHOTS / "languages"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    made = create_demo(None, tmp_path_factory.mktemp("demo"))
    yield made
    made.loket.db.dispose()


def _visit(kiosk: KioskWindow, name: str) -> None:
    if name == "ticket":
        kiosk.take_number("idkaart", False)
    elif name == "message":
        kiosk.check_in("22222222X")
    else:
        kiosk.go(name)


def _shot(widget, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    settle()
    FOLDER.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(FOLDER / f"{name}.png"))
    return [f"{name}: {p}" for p in problems(widget, QSize(*SIZE))]


def _rtl_letters(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def test_every_kiosk_screen_and_the_display_in_every_language(qtbot, demo: Demo) -> None:  # type: ignore[no-untyped-def]
    found: list[str] = []
    kiosk = KioskWindow(
        demo.loket,
        KioskSettings(
            demo.branch,
            fullscreen=False,
            locked=False,
            screen_width_px=SIZE[0],
            screen_height_px=SIZE[1],
        ),
        printer=FakeTicketPrinter(),
    )
    qtbot.addWidget(kiosk)
    kiosk.show()
    try:
        # The chooser offers the configured languages, each in its own name.
        assert kiosk.languages == LANGUAGES and set(LANGUAGES) == set(shipped())
        kiosk.go("language")
        names = {code: b.text() for code, b in kiosk.choose_language.buttons.items()}
        assert names["de"] == "Deutsch" and names["ar"] == "العربية" and names["nl"] == "Nederlands"
        for code in LANGUAGES:
            kiosk.go("start")
            kiosk.go("language")
            kiosk.choose_language.buttons[code].click()  # as a visitor chooses
            assert kiosk.language == code and kiosk.current == "start"
            rtl = code == "ar"
            assert (kiosk.layoutDirection() == Qt.LayoutDirection.RightToLeft) is rtl
            for name in KIOSK_SCREENS:
                _visit(kiosk, name)
                if kiosk.language != code:  # a screen that starts a new visit
                    kiosk.set_language(code)
                found += _shot(kiosk, f"kiosk-{name}-{code}")
                if name == "start":
                    assert kiosk.start.title.text() == say(code, "Welkom! Waarvoor komt u?")
                if name == "checkin":
                    # The keyboard for Latin codes keeps its order, also when mirrored.
                    keys = kiosk.checkin.keypad.keys
                    assert keys["2"].mapTo(kiosk, keys["2"].rect().center()).x() < (
                        keys["3"].mapTo(kiosk, keys["3"].rect().center()).x()
                    )
                if name == "ticket":
                    # The number stays left to right; the service in the visitor's language.
                    assert not _rtl_letters(kiosk.ticket.number.text())
                    assert kiosk.ticket.service.text() == kiosk.ticket.ticket.service_in(code)  # type: ignore[union-attr]
                    assert _rtl_letters(kiosk.ticket.details.text()) is rtl
    finally:
        kiosk.unlock_and_close()

    display = DisplayWindow(
        demo.loket,
        DisplaySettings(
            demo.branch, fullscreen=False, screen_width_px=SIZE[0], screen_height_px=SIZE[1]
        ),
    )
    qtbot.addWidget(display)
    display.show()
    for code in LANGUAGES:
        display.set_language(code)
        found += _shot(display, f"display-{code}")
        assert display.call_caption.text() == say(code, "Nu aan de beurt")
    assert not found, "\n".join(found)


def test_the_display_turns_through_dutch_and_each_other_language(qtbot, demo: Demo) -> None:  # type: ignore[no-untyped-def]
    display = DisplayWindow(demo.loket, DisplaySettings(demo.branch, fullscreen=False))
    qtbot.addWidget(display)
    display.refresh()
    seen = []
    for _ in range(2 * (len(LANGUAGES) - 1)):
        seen.append((display.language, display.call_caption.text()))
        display._next_page()
    assert [code for code, _ in seen] == [c for o in LANGUAGES[1:] for c in ("nl", o)]
    assert seen[0][1] == "Nu aan de beurt" and seen[1][1] == "Now serving"
    assert ("de", "Jetzt an der Reihe") in seen and ("ar", "الدور الآن") in seen


def test_the_spoken_call_is_in_the_visitors_language() -> None:
    assert call_words("A12", 3, "nl") == "Nummer A 12, balie 3"
    assert call_words("A12", 3, "de") == "Nummer A 12, Schalter 3"
    assert call_words("A12", 3, "en") == "Number A-12, counter 3"
    assert call_words("A12", 3, "tr") == "Numara A 12, gişe 3"


def test_the_ticket_says_the_wait_as_the_screen_does(demo: Demo) -> None:
    ticket = demo.loket.issue_ticket(demo.branch, "paspoort")
    soon = dataclasses.replace(ticket, predicted_wait_minutes=1, wait_note=None)
    for code in LANGUAGES:
        # One minute or less: "almost your turn", never "about 1 minute".
        assert ticket_words(soon, code, "Hal").wait == say(code, "U bent bijna aan de beurt.")
    assert ticket_words(soon, "en", "Hal").wait == "It will be your turn very soon."


def test_ticket_and_letter_in_every_language(demo: Demo) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    ticket = demo.loket.issue_ticket(demo.branch, "paspoort")
    today = demo.loket.now().replace(hour=9, minute=0, second=0, microsecond=0)
    start = today + timedelta(days=(1 - today.weekday()) % 7 or 7)  # next Tuesday, 09:00
    for code in LANGUAGES:
        printed = ticket_print(
            ticket, code, municipality="Gemeente Dalfsen", wait_area="Hal", branch=demo.branch
        )
        assert printed.words is not None
        assert printed.words.your_number == say(code, "Uw nummer")
        assert printed.rtl is (code == "ar")
        (FOLDER / f"ticket-{code}.png").write_bytes(render_ticket_png(printed))

        booked = demo.loket.book_appointment(
            demo.branch, "paspoort", start, name="Els Mulder", language=code
        )
        start += timedelta(minutes=15)
        pdf = demo.loket.confirmation_pdf(booked.reference)
        path = FOLDER / f"letter-{code}.pdf"
        path.write_bytes(pdf)
        text = PdfReader(path).pages[0].extract_text()
        if code != "ar":  # Arabic is drawn shaped, in visual order (see the PNG)
            assert say(code, "Wat neemt u mee?") in text
            # How to cancel: the municipality's phone number, in the letter's language.
            assert say(code, "Kunt u niet komen?") in text and "14 0529" in text
        assert booked.reference in text
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(path.with_suffix(""))],
            check=True,
            timeout=60,
        )
