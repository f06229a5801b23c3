"""Parts side by side when the window is wide enough, one above the other when not.

Staff windows run maximised on whatever screen the PC has: a 1366x768 laptop, a
1280x1024 office monitor, a full-HD screen or one turned to portrait (1080x1920). A
plain ``QHBoxLayout`` asks for the sum of its parts' widths, so one row of buttons or
two panels side by side make the window wider than a small screen. :class:`Responsive`
asks only for its widest part, and lays its parts out in a row whenever the room it gets
allows that (else in a column), so nothing is squeezed, cut off or pushed off-screen.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QBoxLayout, QLayout, QSizePolicy, QWidget


class Responsive(QWidget):
    """``parts`` (widgets or layouts) in a row when they fit, else in a column.

    ``stretches`` weigh the parts (as ``QBoxLayout.addWidget(w, stretch)``), in a row
    across, in a column down.
    """

    def __init__(
        self,
        parts: list[QWidget | QLayout],
        *,
        stretches: list[int] | None = None,
        spacing: int = 12,
        margins: tuple[int, int, int, int] = (0, 0, 0, 0),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.parts: list[QWidget] = []
        self.stretches = stretches or [0] * len(parts)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setSpacing(spacing)
        self.box.setContentsMargins(*margins)
        for part, stretch in zip(parts, self.stretches, strict=True):
            if isinstance(part, QLayout):
                holder = QWidget()
                part.setContentsMargins(0, 0, 0, 0)
                holder.setLayout(part)
                part = holder
            self.parts.append(part)
            self.box.addWidget(part, stretch)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def _visible(self) -> list[QWidget]:
        return [p for p in self.parts if not p.isHidden()]

    def _part_min(self, part: QWidget) -> QSize:
        return part.minimumSizeHint().expandedTo(part.minimumSize())

    def row_width(self) -> int:
        """The width the parts need side by side."""
        m = self.box.contentsMargins()
        parts = self._visible()
        spacing = self.box.spacing() * max(0, len(parts) - 1)
        return sum(self._part_min(p).width() for p in parts) + spacing + m.left() + m.right()

    @property
    def in_row(self) -> bool:
        return self.box.direction() == QBoxLayout.Direction.LeftToRight

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        m = self.box.contentsMargins()
        sizes = [self._part_min(p) for p in self._visible()] or [QSize(0, 0)]
        width = max(s.width() for s in sizes) + m.left() + m.right()
        if self.in_row:
            height = max(s.height() for s in sizes)
        else:
            height = sum(s.height() for s in sizes) + self.box.spacing() * (len(sizes) - 1)
        return QSize(width, height + m.top() + m.bottom())

    def arrange(self, width: int) -> None:
        # A hidden part (another tab) stays in a row: in a column it would make the
        # window taller for a page nobody sees; it is arranged again when shown.
        row = width >= self.row_width() or not self.isVisible()
        direction = QBoxLayout.Direction.LeftToRight if row else QBoxLayout.Direction.TopToBottom
        if direction == self.box.direction():
            return
        self.box.setDirection(direction)
        self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        self.arrange(event.size().width())
        super().resizeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.arrange(self.width())

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt name)
        super().hideEvent(event)
        self.arrange(self.width())
