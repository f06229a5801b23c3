"""Kiosk and display on the demo municipality (SQLite), with a fake printer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from hardware.printer import FakeTicketPrinter
from kiosk.kiosk_window import KioskWindow
from kiosk.settings import KioskSettings
from loket.services import Loket

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def screenshot(widget: QWidget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    for _ in range(3):
        if app is not None:
            app.processEvents()
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


@pytest.fixture
def printer() -> FakeTicketPrinter:
    return FakeTicketPrinter()


@pytest.fixture
def kiosk(qtbot, sqlite_loket: Loket, printer: FakeTicketPrinter) -> Iterator[KioskWindow]:
    window = KioskWindow(sqlite_loket, KioskSettings("dalfsen", fullscreen=False), printer=printer)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.unlock_and_close()
