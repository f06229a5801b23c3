"""Measured accessibility: touch targets, contrast from the style sheets, display letters;
and screenshots of every screen in Dutch and English (tests/screenshots/)."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtWidgets import QAbstractButton, QLabel

from hardware.announcer import FakeAnnouncer
from hardware.printer import Paper
from kiosk.accessibility import (
    MIN_CONTRAST,
    MIN_TOUCH_MM,
    cap_height_px,
    min_letter_height_mm,
    px_to_mm,
    text_colour_pairs,
)
from kiosk.display_window import DisplayWindow
from kiosk.settings import DisplaySettings
from kiosk.theme import KIOSK_PALETTES, display_stylesheet, kiosk_stylesheet
from tests.kiosk.conftest import screenshot

SCREENS = [
    "start",
    "checkin",
    "services",
    "ticket",
    "message",
    "feedback_number",
    "feedback_rating",
    "thanks",
    "busy",
    "staff",
    "staff_menu",
]


def test_text_contrast_is_at_least_7_to_1_in_every_style():
    for theme in KIOSK_PALETTES:
        pairs = text_colour_pairs(kiosk_stylesheet(theme), "#kioskRoot")
        assert len(pairs) > 10
        low = [
            (p.selector, p.foreground, p.background, round(p.ratio, 2))
            for p in pairs
            if p.ratio < MIN_CONTRAST
        ]
        assert not low, f"{theme}: {low}"
    pairs = text_colour_pairs(display_stylesheet(), "#displayRoot")
    assert min(p.ratio for p in pairs) >= MIN_CONTRAST


def _visit_every_screen(kiosk, sqlite_loket):  # type: ignore[no-untyped-def]
    number = sqlite_loket.issue_ticket("dalfsen", "paspoort").number
    sqlite_loket.call_next("dalfsen", 1)
    sqlite_loket.start("dalfsen", number)
    sqlite_loket.finish("dalfsen", number)
    for name in SCREENS:
        if name == "ticket":
            kiosk.take_number("idkaart", True)
        elif name == "feedback_rating":
            kiosk.rate_ticket(number)
        elif name == "message":
            kiosk.check_in("22222222X")
        else:
            kiosk.go(name)
        yield name


def test_every_touch_target_is_at_least_15_mm(qtbot, kiosk, sqlite_loket):
    dpi = kiosk.settings.dpi
    checked = 0
    for name in _visit_every_screen(kiosk, sqlite_loket):
        for b in kiosk.findChildren(QAbstractButton):
            if b.isVisible():
                side = px_to_mm(min(b.width(), b.height()), dpi)
                assert side >= MIN_TOUCH_MM, f"{name}: {b.text()!r} is {side:.1f} mm"
                checked += 1
    assert checked > 100


def test_display_letters_readable_from_5_m_on_55_inch(qtbot, sqlite_loket):
    sqlite_loket.issue_ticket("dalfsen", "paspoort")
    sqlite_loket.call_next("dalfsen", 1)
    settings = DisplaySettings("dalfsen", fullscreen=False)
    window = DisplayWindow(sqlite_loket, settings)
    qtbot.addWidget(window)
    window.show()
    need = min_letter_height_mm(settings.viewing_distance_m)
    assert need == 25.0
    heights = {}
    for widget in window.findChildren(QLabel):
        if widget.isVisible() and widget.text():
            heights[widget.text()] = cap_height_px(widget.font()) / settings.px_per_mm
    assert min(heights.values()) >= need, heights
    assert heights[window.call_who.text()] >= 4 * need  # the call itself: far more


def test_screenshots_of_every_screen(qtbot, kiosk, sqlite_loket, printer):
    nine = datetime(2026, 11, 24, 9, 0)
    sqlite_loket.clock.set(nine - timedelta(minutes=30))
    named = sqlite_loket.book_appointment(
        "dalfsen", "paspoort", nine, name="M. Jansen", call_by_name=True
    )
    sqlite_loket.clock.set(nine)
    for language in ("nl", "en"):
        for name in _visit_every_screen(kiosk, sqlite_loket):
            kiosk.set_language(language)
            if name == "ticket":
                qtbot.waitUntil(lambda: kiosk.ticket.print_state is not None)
            screenshot(kiosk, f"kiosk-{name}-{language}")
        printer.paper = Paper.OUT
        kiosk.take_number("verhuizing", False)
        kiosk.set_language(language)
        qtbot.waitUntil(lambda: kiosk.ticket.qr.isVisibleTo(kiosk.ticket))
        screenshot(kiosk, f"kiosk-ticket-no-paper-{language}")
        printer.paper = Paper.OK
        kiosk.set_high_contrast(True)
        kiosk.go("services")
        kiosk.set_language(language)
        screenshot(kiosk, f"kiosk-services-contrast-{language}")
        kiosk.set_high_contrast(False)
        sqlite_loket.clock.set(datetime(2026, 11, 24, 14, 0))
        kiosk.go("services")
        kiosk.set_language(language)
        screenshot(kiosk, f"kiosk-appointment-only-{language}")
        sqlite_loket.clock.set(nine)
    kiosk.go("start")
    ticket, _ = sqlite_loket.check_in(named.code, "dalfsen")  # called by name, on request
    sqlite_loket.call_ticket("dalfsen", 3, ticket.number, "afspraak")
    display = DisplayWindow(
        sqlite_loket, DisplaySettings("dalfsen", fullscreen=False), announcer=FakeAnnouncer()
    )
    qtbot.addWidget(display)
    display.show()
    for language in ("nl", "en"):
        display.set_language(language)
        screenshot(display, f"display-{language}")
        display._set_fresh(True)
        screenshot(display, f"display-new-call-{language}")
        display._set_fresh(False)
        display._next_page()
        screenshot(display, f"display-page-2-{language}")
    display.set_language("nl")
