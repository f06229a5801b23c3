"""The Qt composition root of ``loket demo``: every window in one process.

Lives with the staff UI because it composes UIs; ``loket`` itself stays free of Qt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QWidget

from counter.live_queue import LiveQueueWindow
from counter.manager import ManagerWindow
from kiosk.fit_check import problems, settle
from loket.demo import Demo
from roles.demo_public import demo_public_windows
from roles.demo_staff import demo_staff_windows


def demo_windows(demo: Demo, screen: tuple[int, int] | None = None) -> dict[str, QWidget]:
    """Every window of the demo, by the file name its screenshot gets."""
    windows = {
        "live-queue": LiveQueueWindow(demo.loket, demo.branch),
        **demo_staff_windows(demo),
        **demo_public_windows(demo, screen or (1920, 1080)),
        "manager": demo_manager(demo),
    }
    if screen is not None:
        for window in windows.values():
            window.resize(*screen)  # as maximised on a screen of that size
    return windows


def demo_manager(demo: Demo) -> ManagerWindow:
    """The team leader (eva) logged in; a poll instead of a feed thread, so nothing needs
    stopping when the demo only saves screenshots."""
    window = ManagerWindow(demo.loket, demo.branch, workstation="demo-teamleider", poll_ms=1000)
    window.login.code.setText("eva")
    window.login.pin.setText("5555")
    window.login.login_with_pin()
    return window


def save_screenshots(
    windows: dict[str, QWidget], directory: Path, screen: tuple[int, int] | None = None
) -> list[Path]:
    """PNG per window; with ``screen`` the names carry the size and every window that
    does not fit that screen is reported on stderr (``kiosk.fit_check``)."""
    directory.mkdir(parents=True, exist_ok=True)
    saved = []
    for name, window in windows.items():
        window.show()
        settle()
        suffix = f"-{screen[0]}x{screen[1]}" if screen else ""
        path = directory / f"{name}{suffix}.png"
        window.grab().save(str(path))
        saved.append(path)
        if screen is not None:
            for problem in problems(window, QSize(*screen)):
                print(f"{name}: {problem}", file=sys.stderr)
    return saved


def run_demo(
    demo: Demo, screenshot_dir: Path | None = None, screen: tuple[int, int] | None = None
) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    windows = demo_windows(demo, screen)
    if screenshot_dir is not None:
        for path in save_screenshots(windows, screenshot_dir, screen):
            print(path)
        return 0
    for window in windows.values():
        window.show()
    return app.exec()
