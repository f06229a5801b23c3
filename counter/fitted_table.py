"""A table whose columns always fit its width: no horizontal scrolling, no cut words.

The figures (counts, percentages, times) keep the width of their longest text. One
column holds names (a service, a counter's service, a breakdown's row): it takes the
room that is left and, when that is short, wraps at spaces onto more lines (the row
grows). When the one-line headers do not fit, a header of more words goes onto two
lines ("Jaar eerder" → "Jaar" / "eerder"). The table asks, as its minimum width, for
the figures with two-line headers plus the longest word of a name, so a layout never
gives it less and a :class:`counter.responsive.Responsive` puts it under its neighbour
instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHeaderView, QStyle, QTableWidget, QTableWidgetItem, QWidget


def two_lines(text: str) -> str:
    """``text`` split at the space nearest its middle (unchanged if it is one word)."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    middle = min(spaces, key=lambda i: abs(len(text) / 2 - i))
    return f"{text[:middle]}\n{text[middle + 1 :]}"


class FittedTable(QTableWidget):
    """``headers`` as columns (change ``headers`` and call :meth:`fit`); ``names`` is the
    column that takes the room left and wraps."""

    def __init__(self, headers: list[str], names: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.headers = list(headers)
        self.names = names
        self.two_line_headers = False
        self._fitting = False
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollMode(QTableWidget.ScrollMode.ScrollPerPixel)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setHorizontalHeaderLabels(self.headers)

    # -- measuring ------------------------------------------------------------------------

    def _margin(self) -> int:
        """Room an item's text gets less than its column (the delegate's margins, grid)."""
        frame = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self)
        return 2 * (frame + 1) + 4

    def _texts(self, column: int) -> list[str]:
        items = (self.item(row, column) for row in range(self.rowCount()))
        return [item.text() for item in items if item is not None]

    def _text_width(self, texts: list[str], *, words: bool = False) -> int:
        metrics = self.fontMetrics()
        parts = [w for t in texts for w in t.split()] if words else texts
        widest = max((metrics.horizontalAdvance(p) for p in parts), default=0)
        return widest + self._margin()

    def _header_width(self, column: int) -> int:
        return self.horizontalHeader().sectionSizeHint(column)

    def _labels(self, two: bool) -> list[str]:
        return [two_lines(h) if two else h for h in self.headers]

    def _figures_width(self) -> int:
        return sum(
            max(self._text_width(self._texts(c)), self._header_width(c))
            for c in range(self.columnCount())
            if c != self.names
        )

    def _apply_labels(self, two: bool) -> None:
        labels = self._labels(two)
        for column, text in enumerate(labels):
            item = self.horizontalHeaderItem(column)
            if item is None or item.text() != text:
                self.setHorizontalHeaderItem(column, QTableWidgetItem(text))
        self.two_line_headers = two

    def needed_width(self) -> int:
        """The narrowest the table can be with every text whole (two-line headers, names
        wrapped at every space), frame and vertical scroll bar included."""
        was = self.two_line_headers
        self._apply_labels(True)
        inner = self._figures_width() + max(
            self._text_width(self._texts(self.names), words=True),
            self._header_width(self.names),
        )
        self._apply_labels(was)
        return inner + 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()

    # -- fitting --------------------------------------------------------------------------

    def fit(self) -> None:
        """Lay the columns out for the room the table has now (after a change of rows or
        of size)."""
        if self._fitting:
            return
        self._fitting = True
        try:
            self.setMinimumWidth(self.needed_width())
            room = self.viewport().width()
            self._apply_labels(False)
            names_one_line = max(
                self._text_width(self._texts(self.names)), self._header_width(self.names)
            )
            if self._figures_width() + names_one_line > room:
                self._apply_labels(True)
            widths = {
                c: max(self._text_width(self._texts(c)), self._header_width(c))
                for c in range(self.columnCount())
                if c != self.names
            }
            least = max(
                self._text_width(self._texts(self.names), words=True),
                self._header_width(self.names),
            )
            widths[self.names] = max(least, room - sum(widths.values()))
            header = self.horizontalHeader()
            for column, width in widths.items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
            self.resizeRowsToContents()
        finally:
            self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)  # the viewport's new size (QAbstractScrollArea)
        self.fit()
