"""Text that never pushes a window past its screen: shortened at a word boundary.

A plain ``QLabel`` asks its layout for the width of its whole text, so one long service
name or a visitor's name makes the window wider than the screen. :class:`FitLabel` asks
for nothing and shows as many whole words as fit, followed by an ellipsis (…); the full
text stays available for tests and screen readers.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ELLIPSIS = "…"


def elide_words(text: str, font: QFont, width: float) -> str:
    """``text`` when it fits in ``width`` pixels, else the longest run of whole words
    that fits, followed by an ellipsis. A single word too long for the room is cut
    (with an ellipsis) as a last resort, so nothing is ever drawn past the edge."""
    metrics = QFontMetricsF(font)
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split()
    for count in range(len(words) - 1, 0, -1):
        candidate = " ".join(words[:count]).rstrip(",;:-–") + ELLIPSIS
        if metrics.horizontalAdvance(candidate) <= width:
            return candidate
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0.0, width))


def fits(text: str, font: QFont, width: float) -> bool:
    return QFontMetricsF(font).horizontalAdvance(text) <= width


class FitLabel(QLabel):
    """A one-line label that takes the room its layout gives and shortens its text to it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = ""
        # Optional: shrink the font (pixel sizes) before dropping words.
        self.largest_px = 0
        self.smallest_px = 0
        self._busy = False
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        self.full_text = text
        self._shorten()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._shorten()

    def natural_width(self) -> float:
        return QFontMetricsF(self.font()).horizontalAdvance(self.full_text)

    def is_shortened(self) -> bool:
        return self.text() != self.full_text

    def shrink_between(self, largest_px: int, smallest_px: int) -> None:
        """Shrink the text (not below ``smallest_px``) before shortening it: the whole
        text if that fits, else at least its first word."""
        self.largest_px, self.smallest_px = largest_px, smallest_px
        self._shorten()

    def _pick_size(self, room: int) -> None:
        if not self.largest_px or room <= 1:
            return
        words = self.full_text.split()
        first = words[0] + (ELLIPSIS if len(words) > 1 else "") if words else ""
        font = QFont(self.font())
        chosen = self.smallest_px
        for wanted in (self.full_text, first):
            for px in range(self.largest_px, self.smallest_px - 1, -2):
                font.setPixelSize(px)
                if fits(wanted, font, room):
                    chosen = px
                    break
            else:
                continue
            break
        if chosen != self.font().pixelSize():
            font.setPixelSize(chosen)
            self._busy = True
            super().setFont(font)
            self._busy = False

    def _shorten(self) -> None:
        if self._busy:
            return
        room = self.contentsRect().width()
        self._pick_size(room)
        shown = self.full_text if room <= 1 else elide_words(self.full_text, self.font(), room)
        if shown != super().text():
            super().setText(shown)
        self.setAccessibleName(self.full_text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        hint = super().minimumSizeHint()
        return QSize(0, hint.height())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._shorten()
