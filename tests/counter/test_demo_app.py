"""``loket demo``: every window shows the live demo queue, and screenshots are saved."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QImage

from counter.live_queue import LiveQueueWindow
from loket.demo import create_demo
from roles.demo import demo_windows, save_screenshots

SHOTS = Path(__file__).resolve().parents[2] / "tests" / "screenshots"


def test_live_queue_window_shows_the_queue_and_calls(qtbot, tmp_path: Path):
    demo = create_demo(datetime(2026, 11, 24, 9, 30), tmp_path)
    window = LiveQueueWindow(demo.loket, demo.branch)
    qtbot.addWidget(window)
    waiting_before = len(demo.loket.snapshot("dalfsen").waiting)
    assert waiting_before > 0
    assert window.table.rowCount() == len(demo.loket.snapshot("dalfsen").open_tickets)
    window.counter_box.setCurrentIndex(2)  # counter 3 is free in the demo morning
    window._call_next()
    assert len(demo.loket.snapshot("dalfsen").waiting) == waiting_before - 1
    called = [t for t in demo.loket.snapshot("dalfsen").open_tickets if t.counter == 3]
    assert len(called) == 1
    # The message is the dispatch's reason, which starts with the number called.
    assert window.message.text().startswith(f"{called[0].number}:")
    save_screenshots({"live-queue": window}, SHOTS)
    image = QImage(str(SHOTS / "live-queue.png"))
    assert image.width() >= 800 and image.height() >= 500


def test_demo_command_saves_a_png_of_every_window(tmp_path: Path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "roles",
            "--now",
            "2026-11-24T09:30",
            "demo",
            "--screenshot",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert "live-queue.png" in pngs
    assert all(QImage(str(tmp_path / p)).width() > 0 for p in pngs)


def test_every_demo_window_is_listed(qtbot, tmp_path: Path):
    demo = create_demo(datetime(2026, 11, 24, 9, 30), tmp_path)
    windows = demo_windows(demo)
    for window in windows.values():
        qtbot.addWidget(window)
    assert windows
