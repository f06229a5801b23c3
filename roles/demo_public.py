"""The kiosk and the waiting-room display in ``loket demo``, with simulated hardware."""

from __future__ import annotations

import atexit

from PySide6.QtWidgets import QWidget

from hardware.announcer import FakeAnnouncer
from hardware.printer import FakeTicketPrinter
from kiosk.display_window import DisplayWindow
from kiosk.kiosk_window import KioskWindow
from kiosk.live_feed import LiveFeed
from kiosk.settings import DisplaySettings, KioskSettings
from loket.demo import Demo


def demo_public_windows(demo: Demo, screen: tuple[int, int] = (1920, 1080)) -> dict[str, QWidget]:
    kiosk = KioskWindow(
        demo.loket,
        KioskSettings(
            demo.branch,
            fullscreen=False,
            locked=False,
            screen_width_px=screen[0],
            screen_height_px=screen[1],
            offer_screen_only=True,
        ),  # fmt: skip
        printer=FakeTicketPrinter(),
    )
    feed = LiveFeed(demo.loket)
    display = DisplayWindow(
        demo.loket,
        DisplaySettings(
            demo.branch, fullscreen=False, screen_width_px=screen[0], screen_height_px=screen[1]
        ),
        announcer=FakeAnnouncer(),
        feed=feed,
    )
    feed.setParent(display)
    # The feed's thread (and the kiosk's probe thread) must end before Qt tears down,
    # also when the demo only saves screenshots and never runs the event loop.
    atexit.register(feed.stop)
    atexit.register(kiosk.watch.stop)
    return {"kiosk": kiosk, "display": display}
