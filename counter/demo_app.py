"""The Qt composition root of ``loket demo``: every window in one process.

Lives with the staff UI because it composes UIs; ``loket`` itself stays free of Qt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from counter.demo_staff import demo_staff_windows
from counter.live_queue import LiveQueueWindow
from counter.manager import ManagerWindow
from kiosk.demo import demo_public_windows
from loket.demo import Demo


def demo_windows(demo: Demo) -> dict[str, QWidget]:
    """Every window of the demo, by the file name its screenshot gets."""
    return {
        "live-queue": LiveQueueWindow(demo.loket, demo.branch),
        **demo_staff_windows(demo),
        **demo_public_windows(demo),
        "manager": demo_manager(demo),
    }


def demo_manager(demo: Demo) -> ManagerWindow:
    """The team leader (eva) logged in; a poll instead of a feed thread, so nothing needs
    stopping when the demo only saves screenshots."""
    window = ManagerWindow(demo.loket, demo.branch, workstation="demo-teamleider", poll_ms=1000)
    window.login.code.setText("eva")
    window.login.pin.setText("5555")
    window.login.login_with_pin()
    return window


def save_screenshots(windows: dict[str, QWidget], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    saved = []
    for name, window in windows.items():
        window.show()
        if app is not None:
            app.processEvents()
        path = directory / f"{name}.png"
        window.grab().save(str(path))
        saved.append(path)
    return saved


def run_demo(demo: Demo, screenshot_dir: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    windows = demo_windows(demo)
    if screenshot_dir is not None:
        for path in save_screenshots(windows, screenshot_dir):
            print(path)
        return 0
    for window in windows.values():
        window.show()
    return app.exec()
