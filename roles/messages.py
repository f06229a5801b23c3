"""A message in a window, for a role PC started from a shortcut without a console."""

from __future__ import annotations

import os
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

last_window: QMessageBox | None = None  # the last message window (tests look at it)


def show_in_window(message: str) -> None:
    global last_window
    app = QApplication.instance() or QApplication(sys.argv[:1])
    box = QMessageBox(QMessageBox.Icon.Critical, "Loket", message)
    box.setMinimumWidth(420)
    last_window = box
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        box.show()
        app.processEvents()
        return
    box.exec()
