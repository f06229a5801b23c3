"""The display on real screen sizes: the call keeps its size, long texts never push the
window past the screen, every service with people waiting shows on one page."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel

from kiosk.accessibility import cap_height_px
from kiosk.display_window import FLOOR_RULE, DisplayWindow
from kiosk.fit_text import ELLIPSIS, FitLabel
from kiosk.settings import DisplaySettings
from loket.display import DisplayCall, DisplayState, ServiceWait
from tests.kiosk.conftest import screenshot

LONG_SERVICE = "Paspoort, ID-kaart of rijbewijs ophalen na de aanvraag bij de gemeente"
LONG_NAME = "Mevrouw Alexandra van der Berg-Hoogeveen"


def _state(calls: list[DisplayCall], services: int, waiting: int) -> DisplayState:
    names = [LONG_SERVICE] + [f"Dienst nummer {i}" for i in range(1, services)]
    return DisplayState(
        "dalfsen", "Gemeentehuis Dalfsen", "Dalfsen", datetime(2026, 11, 24, 9), calls,
        [
            ServiceWait(f"s{i}", chr(65 + i), name, "document", 2 if i < waiting else 0,
                        7, True)
            for i, name in enumerate(names)
        ],
        {"nl": "Veel kunt u ook online regelen."},
    )  # fmt: skip


def _display(qtbot, loket, size: tuple[int, int]) -> DisplayWindow:  # type: ignore[no-untyped-def]
    settings = DisplaySettings(
        "dalfsen", fullscreen=False, screen_width_px=size[0], screen_height_px=size[1]
    )
    window = DisplayWindow(loket, settings)
    qtbot.addWidget(window)
    window.refresh_timer.stop()
    window.show()
    return window


def _show(window: DisplayWindow, state: DisplayState) -> None:
    window.state = state
    window.show_state()
    qtbot_process()
    window.show_state()


def qtbot_process() -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()


def _visible_labels(window: DisplayWindow) -> list[QLabel]:
    return [w for w in window.findChildren(QLabel) if w.isVisible() and w.text()]


def _assert_fits(window: DisplayWindow, size: tuple[int, int]) -> None:
    assert (window.width(), window.height()) == size
    screen = QRect(0, 0, *size)
    for label in _visible_labels(window):
        box = QRect(label.mapTo(window, label.rect().topLeft()), label.size())
        assert screen.contains(box), (label.text(), box, size)
        if isinstance(label, FitLabel) and label.is_shortened():
            shown = label.text()
            assert shown.endswith(ELLIPSIS)
            # Whole words only: what is shown is the start of the text up to a space.
            kept = shown[: -len(ELLIPSIS)]
            assert label.full_text.startswith(kept) and label.full_text[len(kept)] in " ,"
        if not label.wordWrap():
            width = label.fontMetrics().horizontalAdvance(label.text())
            assert width <= label.contentsRect().width() + 1, (label.text(), width)
    boxes = [
        (label.text(), QRect(label.mapTo(window, label.rect().topLeft()), label.size()))
        for label in _visible_labels(window)
    ]
    for i, (text_a, a) in enumerate(boxes):
        for text_b, b in boxes[i + 1 :]:
            assert not a.intersects(b), f"{text_a!r} overlaps {text_b!r}"


def test_counter_number_is_large_again_after_an_empty_screen(qtbot, sqlite_loket):
    window = _display(qtbot, sqlite_loket, (1920, 1080))
    assert window.call_counter.text() == "Even geduld, u wordt zo geroepen"
    large = window.call_counter.font().pixelSize()
    sqlite_loket.issue_ticket("dalfsen", "paspoort")
    sqlite_loket.call_next("dalfsen", 2)
    window.refresh()
    assert window.call_counter.text() == "Balie 2"
    assert window.call_counter.font().pixelSize() >= 2 * window.base_px > large


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768), (1080, 1920)])
def test_long_names_and_services_are_shortened_at_a_word(qtbot, sqlite_loket, size):
    window = _display(qtbot, sqlite_loket, size)
    calls = [
        DisplayCall("A 12", 4, None, 1, LONG_NAME),
        DisplayCall("A 11", 3, None, 1, LONG_NAME),
        DisplayCall("B 3", 1, None, 1),
    ]
    _show(window, _state(calls, 4, 4))
    screenshot(window, f"display-long-texts-{size[0]}x{size[1]}")
    assert window.call_who.accessibleName() == LONG_NAME
    assert window.call_who.text().startswith("Mevrouw Alexandra")
    _assert_fits(window, size)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_twelve_services_with_people_waiting_fit_on_one_page(qtbot, sqlite_loket, size):
    window = _display(qtbot, sqlite_loket, size)
    _show(window, _state([DisplayCall("A 1", 2, None, 1)], 12, 12))
    screenshot(window, f"display-twelve-services-{size[0]}x{size[1]}")
    shown = [name for _, name, _, _ in window.wait_rows if name.isVisible() and name.text()]
    assert len(shown) == 12
    assert window.wait_page.text() == ""  # no paging
    settings = window.settings
    floor_mm = settings.viewing_distance_m * 1000 / FLOOR_RULE
    for row in window.wait_rows:
        for label in row:
            assert cap_height_px(label.font()) / settings.px_per_mm >= floor_mm
    _assert_fits(window, size)


def test_services_nobody_waits_for_give_way(qtbot, sqlite_loket):
    window = _display(qtbot, sqlite_loket, (1920, 1080))
    _show(window, _state([], 12, 3))
    names = [name.accessibleName() for _, name, _, _ in window.wait_rows if name.isVisible()]
    assert names[:3] == [LONG_SERVICE, "Dienst nummer 1", "Dienst nummer 2"]
    # Idle services only fill rows the comfortable size has room for (the three with
    # people waiting always show).
    assert len(names) <= max(3, window._rows_that_fit(window.base_px))
    _assert_fits(window, (1920, 1080))
