"""The staff style sheet and small widget helpers shared by the counter and reception.

Calm colours, large numbers, one accent per meaning: blue is an action, red is over the
norm or an alarm, amber is a note for attention. Staff look at these screens all day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

from PySide6.QtCore import QLocale, QSize
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTimeEdit,
    QWidget,
)

STYLE = """
QWidget { font-size: 12pt; color: #1b1f24; }
QWidget#page { background: #f4f6f8; }
QFrame#header { background: #1d3557; }
QFrame#header QLabel { color: white; }
QLabel#title { font-size: 17pt; font-weight: bold; }
QLabel#bigNumber { font-size: 44pt; font-weight: bold; color: #1d3557; }
QLabel#muted { color: #5b6570; }
QLabel#reason { color: #37474f; font-style: italic; }
QLabel#welcome { font-size: 16pt; font-weight: bold; }
QLabel#note { background: #fff4d6; border: 1px solid #e9c46a; border-radius: 4px;
              padding: 6px; }
QLabel#badge { background: #e63946; color: white; border-radius: 4px; padding: 3px 8px;
               font-weight: bold; }
QLabel#message { color: #1d3557; font-size: 12pt; padding: 4px; }
QLabel#error { color: #b00020; font-size: 12pt; padding: 4px; }
QFrame#card { background: white; border: 1px solid #d0d7de; border-radius: 6px; }
QPushButton { background: #1d6fb8; color: white; border: none; border-radius: 5px;
              padding: 9px 14px; font-weight: bold; }
QPushButton:hover { background: #165a96; }
QPushButton:disabled { background: #c9d1d9; color: #6e7781; }
QPushButton#secondary { background: #e7ecf1; color: #1d3557; }
QPushButton#secondary:disabled { color: #9aa4ae; }
QPushButton#danger { background: #b00020; }
QPushButton#alert { background: #ffd166; color: #1b1f24; border: 2px solid white;
                    padding: 5px 12px; }
QPushButton#alertOn { background: #b00020; color: white; border: 2px solid white;
                      padding: 5px 12px; }
QLabel#offlineBanner { background: #fff1c2; color: #4a2c00; font-size: 13pt;
                       font-weight: bold; padding: 10px 16px;
                       border-bottom: 3px solid #b26a00; }
QLabel#alertBanner { background: #b00020; color: white; font-size: 13pt;
                     font-weight: bold; padding: 10px 16px; }
QTableWidget { background: white; gridline-color: #e1e4e8; font-size: 12pt; }
QHeaderView::section { background: #e7ecf1; padding: 4px; border: none;
                       font-weight: bold; }
QLineEdit, QComboBox, QDateEdit, QTimeEdit, QPlainTextEdit { background: white;
    border: 1px solid #aab4be; border-radius: 4px; padding: 5px; }
QTabBar::tab { padding: 8px 16px; font-weight: bold; }
QTabBar::tab:selected { background: white; }
QGroupBox { font-weight: bold; border: 1px solid #d0d7de; border-radius: 6px;
            margin-top: 12px; background: white; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }
"""


def button(
    text: str, key: str | None, slot: Callable[[], object], parent: QWidget, kind: str | None = None
) -> QPushButton:
    """A button whose shortcut is shown on it and works anywhere in the window."""
    label = f"{text}  [{key}]" if key else text
    widget = QPushButton(label, parent)
    widget.clicked.connect(lambda: slot())
    if kind:
        widget.setObjectName(kind)
    if key:
        shortcut = QShortcut(QKeySequence(key), parent)
        # Only fire when the button would: a disabled action has no hidden shortcut.
        shortcut.activated.connect(lambda: _click_if_usable(widget))
    return widget


def _click_if_usable(widget: QPushButton) -> None:
    if widget.isEnabled() and widget.isVisible():
        widget.click()


def picked_date(edit: QDateEdit) -> date:
    """The date in a date field, as a Python ``date`` (Qt's stubs say ``object``)."""
    qdate = edit.date()
    return date(qdate.year(), qdate.month(), qdate.day())


def picked_time(edit: QTimeEdit) -> time:
    qtime = edit.time()
    return time(qtime.hour(), qtime.minute())


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    """The text of one cell; an empty cell reads as ""."""
    item = table.item(row, column)
    return item.text() if item is not None else ""


def label(text: str = "", name: str | None = None, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(wrap)
    if name:
        widget.setObjectName(name)
    return widget


class ReservedLabel(QLabel):
    """A one-line label that keeps the room of ``widest`` whatever it shows ("Bijgewerkt
    hh:mm:ss"): a new text never shifts its neighbours, and is whole even before Qt lays
    the window out again (a screenshot taken at once)."""

    def __init__(self, widest: str, name: str | None = None) -> None:
        super().__init__("")
        self.widest = widest
        if name:
            self.setObjectName(name)

    def _reserved(self, hint: QSize) -> QSize:
        m = self.contentsMargins()
        metrics = self.fontMetrics()
        extra = m.left() + m.right() + 2 * self.margin() + max(0, self.indent())
        width = metrics.horizontalAdvance(self.widest) + extra
        height = metrics.height() + m.top() + m.bottom() + 2 * self.margin()
        return QSize(max(hint.width(), width), max(hint.height(), height))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self._reserved(super().sizeHint())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self._reserved(super().minimumSizeHint())


def say(target: QLabel, text: str, *, error: bool = False) -> None:
    """Show ``text`` on a message line: red for a refusal, the calm colour otherwise.
    Each message sets its own colour, so a success after a refusal is never red."""
    target.setStyleSheet("")
    target.setObjectName("error" if error else "message")
    target.style().unpolish(target)
    target.style().polish(target)
    target.setText(text)


def confirm(parent: QWidget, question: str, yes: str, no: str = "Terug") -> bool:
    """Ask before something that cannot be undone; the safe choice is the default."""
    box = QMessageBox(parent)
    box.setWindowTitle("Loket")
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(question)
    do = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    back = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    back.setObjectName("secondary")
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    box.exec()
    return box.clickedButton() is do


def show_refusal(parent: QWidget, text: str) -> None:
    """Modal only where a decision is needed; most messages go to the message line."""
    QMessageBox.information(parent, "Loket", text)


DUTCH = QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands)
