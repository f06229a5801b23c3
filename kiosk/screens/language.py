"""Choose your language: every configured language in its own words, no flags.

Flags are countries, not languages (Arabic is spoken in twenty countries, Dutch in two);
each button shows the language's own name ("Deutsch", "Türkçe", "العربية") so a visitor
finds theirs without reading Dutch.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.screens.common import Host, Screen, button, label
from loket.views.language import language


class LanguageScreen(Screen):
    name = "language"
    chosen = Signal(str)

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        s = host.settings
        self.codes: tuple[str, ...] = ()
        self.title = label("title", align=Qt.AlignmentFlag.AlignHCenter)
        self.buttons: dict[str, QPushButton] = {}
        self.grid_box = QWidget()
        self.grid = QGridLayout(self.grid_box)
        self.grid.setSpacing(24)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.back = button(min_height=s.touch_px, min_width=s.touch_px * 4)
        self.back.clicked.connect(lambda: host.go("start"))
        actions = QHBoxLayout()
        actions.addWidget(self.back)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 24, 60, 24)
        layout.setSpacing(24)
        layout.addWidget(self.title)
        layout.addWidget(self.grid_box, 1)
        layout.addLayout(actions)

    def set_languages(self, codes: tuple[str, ...]) -> None:
        if codes == self.codes:
            return
        self.codes = codes
        for old in self.buttons.values():
            old.deleteLater()
        self.buttons = {}
        touch = self.host.settings.touch_px
        columns = 2 if len(codes) <= 8 else 3
        for i, code in enumerate(codes):
            lang = language(code)
            tile = button(min_height=int(touch * 1.5))
            tile.setText(lang.name)
            tile.setAccessibleName(lang.name)
            # The name reads in its own direction, whatever the kiosk's language is now.
            tile.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft if lang.rtl else Qt.LayoutDirection.LeftToRight
            )
            tile.setCheckable(True)
            tile.clicked.connect(lambda _=False, c=code: self.chosen.emit(c))
            self.buttons[code] = tile
            self.grid.addWidget(tile, i // columns, i % columns)
        self.retranslate()

    def retranslate(self) -> None:
        # The title in the language of the moment; the buttons each in their own.
        self.title.setText(self.tr("Kies uw taal"))
        self.back.setText(self.tr("Terug"))
        for code, tile in self.buttons.items():
            tile.setChecked(code == self.host.language)
