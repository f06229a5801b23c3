"""Building blocks shared by the kiosk screens.

No texts here: PySide6 translates ``self.tr`` under the class of the object at run
time, while ``lupdate`` files it under the class it is written in; so every
translatable text lives in the screen class that shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.theme import pictogram

if TYPE_CHECKING:
    from kiosk.settings import KioskSettings


class Host(Protocol):
    """What a screen may ask of the kiosk window."""

    settings: KioskSettings

    @property
    def language(self) -> str: ...

    @property
    def icon_colour(self) -> str: ...

    @property
    def colours(self) -> dict[str, str]: ...

    def go(self, name: str) -> None: ...


class Screen(QWidget):
    """One step of the visit. ``retranslate`` fills in every text; ``reset`` forgets the
    visitor, so nothing of one visitor is left for the next."""

    name = ""

    def __init__(self, host: Host) -> None:
        super().__init__()
        self.host = host

    def retranslate(self) -> None:
        pass

    def reset(self) -> None:
        pass

    def entered(self) -> None:
        """Called each time the screen is shown."""


def label(
    kind: str = "body", *, wrap: bool = True, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
) -> QLabel:
    widget = QLabel()
    widget.setProperty("kind", kind)
    widget.setWordWrap(wrap)
    widget.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # data never renders as markup
    return widget


def button(kind: str = "", *, min_height: int, min_width: int = 0) -> QPushButton:
    widget = QPushButton()
    if kind:
        widget.setProperty("kind", kind)
    widget.setMinimumHeight(min_height)
    if min_width:
        widget.setMinimumWidth(min_width)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # touch only; the scanner types too
    return widget


TILE_TITLE_PX = 36  # kiosk.qss: QLabel[kind="tiletitle"]
TILE_TITLE_MIN_PX = 26


class TileButton(QPushButton):
    """A large button with a pictogram, a title and an explanation that may wrap."""

    def __init__(self, icon: str, *, min_height: int, icon_px: int) -> None:
        super().__init__()
        self.setProperty("kind", "tile")
        self.icon_name = icon
        self.icon_px = icon_px
        self.setMinimumHeight(min_height)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.picture = QLabel()
        self.picture.setFixedSize(icon_px, icon_px)
        self.title = label("tiletitle")
        self.detail = label("tiledetail")
        self.detail.hide()
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addStretch(1)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 12, 24, 12)
        row.setSpacing(24)
        row.addWidget(self.picture)
        row.addLayout(text, 1)
        for child in (self.picture, self.title, self.detail):
            # Taps on the texts belong to the button.
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_texts(self, title: str, detail: str = "") -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setAccessibleName(f"{title}. {detail}" if detail else title)
        self._fit_title()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_title()

    def _fit_title(self) -> None:
        """On a low screen a two-line title gets a smaller letter (not below 26 px)
        instead of being cut off at the tile's edge."""
        width = self.width() - self.icon_px - 24 * 3
        if width <= 0 or not self.title.text():
            return
        room = self.height() - 24
        if self.detail.isVisibleTo(self):
            room -= self.detail.heightForWidth(width) + 4
        self.title.setStyleSheet("")
        for px in range(TILE_TITLE_PX, TILE_TITLE_MIN_PX - 1, -2):
            self.title.setStyleSheet(f"font-size: {px}px;")
            self.title.ensurePolished()
            if self.title.heightForWidth(width) <= room:
                return

    def set_icon_colour(self, colour: str) -> None:
        self.picture.setPixmap(pictogram(self.icon_name, self.icon_px, colour))
