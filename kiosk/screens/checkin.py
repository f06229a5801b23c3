"""Check in: scan the appointment's QR code, or type its short code on the keypad."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout

from kiosk.keypad import Keypad
from kiosk.screens.common import Host, Screen, button, label
from kiosk.theme import pictogram
from loket.views import REFERENCE_ALPHABET, SHORT_CODE_LENGTH


def spaced_code(text: str, length: int = SHORT_CODE_LENGTH) -> str:
    """'ABCD' -> 'ABC-D__-___': grouped in threes as in the confirmation letter, with
    the places still to type visible."""
    padded = text + "_" * (length - len(text))
    return "-".join(padded[i : i + 3] for i in range(0, length, 3))


class CheckInScreen(Screen):
    name = "checkin"
    submitted = Signal(str)

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        s = host.settings
        self.title = label("title")
        self.picture = QLabel()
        self.scan_text = label("body")
        self.type_text = label("body")
        self.where = label("hint")
        # "Typ alle 9 tekens" as a clear warning of its own, not a grey hint changing.
        self.problem = label("warning")
        self.problem.hide()
        # Its height comes from the room it gets (it wraps), not from a narrow guess
        # that made the window taller than a 720 px screen.
        self.problem.setMinimumHeight(1)
        self.code = label("code", wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
        portrait = s.screen_height_px > s.screen_width_px
        self.keypad = Keypad(
            REFERENCE_ALPHABET,
            columns=9 if portrait else 11,
            max_length=SHORT_CODE_LENGTH,
            key_px=s.key_px,
        )
        self.keypad.changed.connect(self._changed)
        self.back = button(min_height=s.touch_px, min_width=s.touch_px * 4)
        self.send = button("primary", min_height=s.touch_px, min_width=s.touch_px * 5)
        self.back.clicked.connect(lambda: host.go("start"))
        self.send.clicked.connect(self._send)

        scan = QVBoxLayout()
        scan.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        scan.addWidget(self.scan_text)
        scan.addStretch(1)
        typed = QVBoxLayout()
        typed.setSpacing(16)
        typed.addWidget(self.type_text)
        typed.addWidget(self.where)
        typed.addWidget(self.problem)
        typed.addWidget(self.code)
        typed.addWidget(self.keypad, 1)
        # Side by side on a landscape screen; on a portrait screen the scan hint sits
        # above the keypad, so the keypad gets the whole width.
        columns = QBoxLayout(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        columns.setSpacing(24 if portrait else 48)
        columns.addLayout(scan, 1)
        columns.addLayout(typed, 3)
        actions = QHBoxLayout()
        actions.addWidget(self.back)
        actions.addStretch(1)
        actions.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*((24, 24, 24, 24) if portrait else (60, 24, 60, 24)))
        layout.addWidget(self.title)
        layout.addLayout(columns, 1)
        layout.addLayout(actions)
        self._changed("")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Inchecken voor uw afspraak"))
        self.scan_text.setText(self.tr("Houd de QR-code van uw afspraak onder de scanner."))
        self.type_text.setText(self.tr("Lukt scannen niet? Typ dan uw code."))
        self.where.setText(self.tr("De code staat in uw bevestiging. Het zijn 9 tekens."))
        self.problem.setText(self.tr("Typ alle 9 tekens van uw code."))
        self.back.setText(self.tr("Terug"))
        self.send.setText(self.tr("Inchecken"))
        self.keypad.set_backspace_text(self.tr("Wissen"))
        self.code.setAccessibleName(self.tr("Uw code"))
        self.picture.setPixmap(
            pictogram("checkin", self.host.settings.touch_px * 3, self.host.icon_colour)
        )

    def reset(self) -> None:
        self.keypad.clear()
        self._warn(False)

    def _warn(self, on: bool) -> None:
        """The warning takes the place of the two hints above the code (a low screen
        has no room for all three)."""
        self.problem.setVisible(on)
        self.where.setVisible(not on)
        self.type_text.setVisible(not on)

    def _changed(self, text: str) -> None:
        self.code.setText(spaced_code(text))
        self._warn(False)  # typing on: the warning has done its work

    def _send(self) -> None:
        if len(self.keypad.text) == SHORT_CODE_LENGTH:
            self.submitted.emit(self.keypad.text)
        else:
            # Not sent: a half code would only count as a wrong attempt.
            self._warn(True)
