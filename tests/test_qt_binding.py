"""The Qt binding keeps Python's reference counts right.

PySide6 6.12.0 on Python 3.11 took a reference from ``None`` on every call of a method
that returns nothing (``setFont``, ``update``, a layout's ``invalidate``); a display
refreshing its queue aborted the process after about fifty refreshes. A screen runs all
day: a binding that leaks here must not be installed.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget


def test_calls_that_return_nothing_leave_none_alone(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel("A 12")
    qtbot.addWidget(label)
    box = QWidget()
    qtbot.addWidget(box)
    grid = QGridLayout(box)
    before = sys.getrefcount(None)
    for i in range(2_000):
        label.setFont(QFont("DejaVu Sans", 10 + i % 5))
        label.update()
        grid.invalidate()
    # A few references may come and go with Qt's own caches; thousands may not.
    assert sys.getrefcount(None) - before > -100
