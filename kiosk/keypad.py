"""A large on-screen keypad: the fallback for a phone screen that will not scan.

Only the symbols that can occur are offered (a short code has no I, L, O, Y, Z, 0 or 1;
a ticket number only the prefixes in use), so a visitor cannot type a wrong letter.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

BACKSPACE = "⌫"


class Keypad(QWidget):
    """Buttons for ``symbols`` plus a backspace key; emits the edited text."""

    changed = Signal(str)

    def __init__(
        self,
        symbols: str,
        *,
        columns: int,
        max_length: int,
        key_px: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # Codes are Latin letters and digits: the keys keep their order in right-to-left
        # languages too (an Arabic kiosk mirrors the screen, not the keyboard).
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.max_length = max_length
        self._text = ""
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setSpacing(max(8, key_px // 8))
        grid.setContentsMargins(0, 0, 0, 0)
        row = col = 0
        for symbol in [*symbols, BACKSPACE]:
            # The erase key says what it does in words and gets two places: clearer
            # than a symbol for visitors who rarely use a keyboard.
            span = 2 if symbol == BACKSPACE else 1
            if col + span > columns:
                row, col = row + 1, 0
            button = QPushButton(symbol)
            button.setProperty("kind", "key")
            button.setMinimumSize(key_px, key_px)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, s=symbol: self.press(s))
            self.keys[symbol] = button
            grid.addWidget(button, row, col, 1, span)
            col += span

    @property
    def text(self) -> str:
        return self._text

    def set_backspace_text(self, text: str) -> None:
        key = self.keys[BACKSPACE]
        key.setText(text)
        key.setAccessibleName(text)
        # The word differs per language ("Wissen", "Löschen"): the key is at least as
        # wide as its word, so no language gets it cut off.
        key.setMinimumWidth(max(key.minimumHeight(), key.sizeHint().width()))

    def press(self, symbol: str) -> None:
        if symbol == BACKSPACE:
            self._text = self._text[:-1]
        elif len(self._text) < self.max_length:
            self._text += symbol
        self.changed.emit(self._text)

    def set_text(self, text: str) -> None:
        self._text = text[: self.max_length]
        self.changed.emit(self._text)

    def clear(self) -> None:
        self.set_text("")
