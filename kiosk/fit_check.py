"""Does a window fit its screen? Used by the screen-size test and ``--screen WxH``.

Three things a visitor or clerk would notice, each reported as one plain line:

- the window is larger than the screen (it cannot be shown whole);
- a text does not fit its label or button (shortened with "…", or cut off);
- two widgets overlap (one hides part of the other).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QWidget,
)

from kiosk.fit_text import ELLIPSIS, FitLabel

SIZE = re.compile(r"(\d{3,5})x(\d{3,5})")


def parse_screen(text: str) -> QSize:
    """``"1366x768"`` → QSize(1366, 768); a clear sentence for anything else."""
    match = SIZE.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(
            f"Schermgrootte '{text}' klopt niet. Schrijf breedte x hoogte, zoals 1366x768."
        )
    return QSize(int(match.group(1)), int(match.group(2)))


def settle() -> None:
    """Let Qt lay out, and delete widgets replaced since (a rebuilt page's old tiles)."""
    app = QApplication.instance()
    for _ in range(3):
        if app is not None:
            app.processEvents()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _box(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def _shown(widget: QWidget, window: QWidget) -> bool:
    """Visible and not inside an item view or a tab bar (those draw their own cells)."""
    if not widget.isVisibleTo(window) or widget.width() <= 0 or widget.height() <= 0:
        return False
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractItemView | QTabBar | QAbstractSpinBox | QComboBox):
            return False
        parent = parent.parentWidget()
    return True


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    if isinstance(label, FitLabel) and label.is_shortened():
        return f"tekst ingekort: {label.full_text!r} → {text!r}"
    if label.textFormat() == Qt.TextFormat.RichText or "<" in text and ">" in text:
        return None
    room = label.contentsRect()
    margin = 2 * label.margin() + max(0, label.indent())
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            return f"tekst past niet in de hoogte ({needed} > {label.height()}): {text[:60]!r}"
        return None
    widest = max(label.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
    if widest > room.width() - margin + 1:
        return f"tekst past niet ({widest} > {room.width()} px): {text[:60]!r}"
    lines = text.count("\n") + 1
    if lines * label.fontMetrics().height() > room.height() + 2:
        return f"tekst te hoog: {text[:60]!r}"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    text = button.text().replace("&&", "&")
    if not text or ELLIPSIS in text:
        return f"knoptekst ingekort: {text!r}" if text else None
    widest = max(button.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
    icon = button.iconSize().width() + 8 if not button.icon().isNull() else 0
    if widest + icon > button.width():
        return f"knoptekst past niet ({widest + icon} > {button.width()} px): {text!r}"
    return None


LEAVES = (QLabel, QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)


def problems(window: QWidget, screen: QSize) -> list[str]:
    """Everything about ``window`` that does not fit a ``screen``-sized screen."""
    found: list[str] = []
    size = window.size()
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    if size.width() > screen.width() or size.height() > screen.height():
        found.append(
            f"venster {size.width()}x{size.height()} is groter dan het scherm "
            f"{screen.width()}x{screen.height()}"
        )
    elif window.layout() is not None and (
        minimum.width() > screen.width() or minimum.height() > screen.height()
    ):
        found.append(
            f"venster heeft minstens {minimum.width()}x{minimum.height()} nodig, het scherm "
            f"is {screen.width()}x{screen.height()}"
        )
    leaves: list[tuple[QWidget, QRect]] = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, LEAVES) or not _shown(widget, window):
            continue
        problem = None
        if isinstance(widget, QLabel):
            problem = _label_problem(widget)
        elif isinstance(widget, QAbstractButton):
            problem = _button_problem(widget)
        if problem:
            found.append(problem)
        box = _box(widget, window)
        if not QRect(0, 0, size.width(), size.height()).contains(box):
            found.append(f"{_name(widget)} valt buiten het venster: {box.getRect()}")
        leaves.append((widget, box))
    for i, (a, box_a) in enumerate(leaves):
        for b, box_b in leaves[i + 1 :]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            overlap = box_a.intersected(box_b)
            # A pixel or two is a border shared by neighbours, not an overlap.
            if overlap.width() > 2 and overlap.height() > 2:
                found.append(f"{_name(a)} en {_name(b)} overlappen")
    return found


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    shown = text() if callable(text) else ""
    return f"{type(widget).__name__}({str(shown)[:30]!r})"
