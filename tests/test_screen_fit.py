"""Every window and every kiosk screen on the screens they will meet.

Renders each at 1280x1024, 1366x768, 1920x1080 and 1080x1920 (portrait); the kiosk and
the display in every language the demo offers (all shipped ones, Arabic mirrored) and in
high contrast. Fails when a window is larger than the screen, a text
does not fit its label or button (shortened or cut off) or widgets overlap
(``kiosk.fit_check``). The screenshots are saved under the test's tmp directory (path
printed) for a person to look at; ``loket demo --screenshot DIR --screen WxH`` makes the
same pictures by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QTabWidget, QWidget

from counter.live_queue import LiveQueueWindow
from hardware.printer import FakeTicketPrinter
from kiosk.display_window import DisplayWindow
from kiosk.fit_check import problems, settle
from kiosk.kiosk_window import KioskWindow
from kiosk.settings import DisplaySettings, KioskSettings
from loket.demo import Demo, create_demo
from roles.demo import demo_manager
from roles.demo_staff import demo_staff_windows

SIZES = [
    pytest.param((1280, 1024), id="1280x1024"),
    pytest.param((1366, 768), id="1366x768"),
    pytest.param((1920, 1080), id="1920x1080"),
    pytest.param((1080, 1920), id="1080x1920"),
]
KIOSK_SCREENS = [
    "start", "checkin", "checkin_half", "services", "ticket_choice", "ticket", "message",
    "feedback_number", "feedback_rating", "thanks", "busy", "staff", "staff_menu",
]  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    made = create_demo(None, tmp_path_factory.mktemp("demo"))
    yield made
    made.loket.db.dispose()


@pytest.fixture(scope="module")
def staff(demo: Demo) -> Iterator[dict[str, QWidget]]:
    windows: dict[str, QWidget] = {
        "live-queue": LiveQueueWindow(demo.loket, demo.branch),
        **demo_staff_windows(demo),
        "manager": demo_manager(demo),
    }
    yield windows
    for window in windows.values():
        window.close()
        window.deleteLater()


def _check(window: QWidget, size: tuple[int, int], name: str, shots: Path) -> list[str]:
    settle()
    # Light PNG compression: saving took half of this test's time at the default level.
    window.grab().save(str(shots / f"{name}-{size[0]}x{size[1]}.png"), "PNG", 80)
    return [f"{name}: {p}" for p in problems(window, QSize(*size))]


def _visit(kiosk: KioskWindow, demo: Demo, name: str) -> None:
    if name == "ticket_choice":  # "Bonnetje printen" or "Alleen op het scherm"
        kiosk.take_number("idkaart", False)
    elif name == "ticket":  # on the screen only: the number with its QR code
        kiosk.take_number("idkaart", False)
        kiosk.ticket.print_chosen.emit(False)
    elif name == "checkin_half":  # sent with 3 of 9 symbols: the warning shows
        kiosk.go("checkin")
        for symbol in "ABC":
            kiosk.checkin.keypad.press(symbol)
        kiosk.checkin.send.click()
    elif name == "feedback_rating":
        kiosk.go("feedback_rating")
    elif name == "message":
        kiosk.check_in("22222222X")
    else:
        kiosk.go(name)


@pytest.mark.parametrize("size", SIZES)
def test_every_window_fits_the_screen(qtbot, demo, staff, size, tmp_path_factory):  # type: ignore[no-untyped-def]
    shots = tmp_path_factory.mktemp(f"screens-{size[0]}x{size[1]}")
    print(f"screenshots: {shots}")
    found: list[str] = []
    width, height = size
    kiosk = KioskWindow(
        demo.loket,
        KioskSettings(
            demo.branch, fullscreen=False, locked=False,
            screen_width_px=width, screen_height_px=height, offer_screen_only=True,
        ),
        printer=FakeTicketPrinter(),
    )  # fmt: skip
    qtbot.addWidget(kiosk)
    kiosk.show()
    # Judged as shown: with the database there, the connection watch would take "Even
    # geduld" back to the start screen in the middle of its check.
    kiosk.watch.stop()
    try:
        for contrast in (False, True):
            kiosk.set_high_contrast(contrast)
            for language in kiosk.languages if not contrast else ("nl",):
                for name in KIOSK_SCREENS:
                    _visit(kiosk, demo, name)
                    kiosk.set_language(language)
                    assert name != "busy" or kiosk.current == "busy"
                    tag = f"kiosk-{name}-{language}" + ("-contrast" if contrast else "")
                    found += _check(kiosk, size, tag, shots)
    finally:
        kiosk.unlock_and_close()
    display = DisplayWindow(
        demo.loket,
        DisplaySettings(
            demo.branch, fullscreen=False, screen_width_px=width, screen_height_px=height
        ),
    )
    qtbot.addWidget(display)
    display.show()
    for language in kiosk.languages:
        display.set_language(language)
        found += _check(display, size, f"display-{language}", shots)
    for name, window in staff.items():
        # Staff PCs run maximised: the window gets the screen's size.
        window.resize(width, height)
        window.show()
        settle()
        window.resize(width, height)
        found += _check(window, size, name, shots)
        # Every tab too: a hidden tab is laid out only when it is opened.
        for tabs in window.findChildren(QTabWidget):
            for index in range(1, tabs.count()):
                tabs.setCurrentIndex(index)
                found += _check(window, size, f"{name}-tab{index}", shots)
            tabs.setCurrentIndex(0)
    assert not found, "\n".join(found)


# A login refused for a wrong PIN, on the smallest staff screen: the refusal takes its
# own room; the name, PIN and counter fields keep their height and nothing is cut off.
@pytest.mark.parametrize("size", [(1366, 768), (1280, 1024)], ids=["1366x768", "1280x1024"])
def test_login_refusal_keeps_the_fields_whole(qtbot, demo, size):  # type: ignore[no-untyped-def]
    from counter.workstation import CounterWorkstation

    window = CounterWorkstation(demo.loket, demo.branch, workstation="fit-balie", counter=1)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    settle()
    heights = [f.height() for f in (window.login.code, window.login.pin)]
    window.login.code.setText("anna")
    window.login.pin.setText("0000")
    window.login.login_with_pin()
    settle()
    assert window.login.message.text(), "a wrong PIN is refused with a sentence"
    assert [f.height() for f in (window.login.code, window.login.pin)] == heights
    assert problems(window, QSize(*size)) == []


# The kiosk on a small 1280x720 touch screen (no staff PC has one): every screen whole.
def test_kiosk_fits_a_1280x720_screen(qtbot, demo, tmp_path_factory):  # type: ignore[no-untyped-def]
    shots = tmp_path_factory.mktemp("screens-1280x720")
    kiosk = KioskWindow(
        demo.loket,
        KioskSettings(
            demo.branch, fullscreen=False, locked=False,
            screen_width_px=1280, screen_height_px=720, offer_screen_only=True,
        ),
        printer=FakeTicketPrinter(),
    )  # fmt: skip
    qtbot.addWidget(kiosk)
    kiosk.show()
    # Judged as shown: with the database there, the connection watch would take "Even
    # geduld" back to the start screen in the middle of its check.
    kiosk.watch.stop()
    found: list[str] = []
    try:
        for language in ("nl", "en"):
            for name in KIOSK_SCREENS:
                _visit(kiosk, demo, name)
                kiosk.set_language(language)
                assert name != "busy" or kiosk.current == "busy"
                found += _check(kiosk, (1280, 720), f"kiosk-{name}-{language}", shots)
    finally:
        kiosk.unlock_and_close()
    assert not found, "\n".join(found)
