"""Screens that are not about the visit: "Even geduld" while the database is away, and
the staff login that is the only way out of the locked-down kiosk."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.keypad import Keypad
from kiosk.screens.common import Host, Screen, button, label


class BusyScreen(Screen):
    name = "busy"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.title = label("title", align=Qt.AlignmentFlag.AlignHCenter)
        self.text = label("body", align=Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(120, 60, 120, 60)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addStretch(2)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Even geduld"))
        self.text.setText(
            self.tr(
                "De kiosk werkt even niet. Hij probeert het zelf opnieuw.\n"
                "Wilt u niet wachten? Loop naar de receptie. "
                "Wij helpen u graag."
            )
        )


class StaffLoginScreen(Screen):
    """Staff code and PIN on an on-screen keyboard (a kiosk has no keyboard), or a card."""

    name = "staff"
    submitted = Signal(str, str)  # staff code, PIN

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        s = host.settings
        self.field = "code"
        self.title = label("title")
        self.text = label("body")
        self.problem = label("body")
        self.code_button = button(min_height=s.touch_px)
        self.pin_button = button(min_height=s.touch_px)
        for b in (self.code_button, self.pin_button):
            b.setCheckable(True)
        self.code_button.clicked.connect(lambda: self._select("code"))
        self.pin_button.clicked.connect(lambda: self._select("pin"))
        self.keypad = Keypad(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890", columns=12, max_length=20, key_px=s.touch_px
        )
        self.keypad.changed.connect(self._changed)
        self.values = {"code": "", "pin": ""}
        self.back = button(min_height=s.touch_px, min_width=s.touch_px * 4)
        self.login = button("primary", min_height=s.touch_px, min_width=s.touch_px * 5)
        self.back.clicked.connect(lambda: host.go("start"))
        self.login.clicked.connect(
            lambda: self.submitted.emit(self.values["code"].lower(), self.values["pin"])
        )
        fields = QHBoxLayout()
        fields.addWidget(self.code_button, 1)
        fields.addWidget(self.pin_button, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.back)
        actions.addWidget(self.problem, 1)
        actions.addWidget(self.login)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 24, 60, 24)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(fields)
        layout.addWidget(self.keypad, 1)
        layout.addLayout(actions)
        self._select("code")

    def _select(self, field: str) -> None:
        self.field = field
        self.code_button.setChecked(field == "code")
        self.pin_button.setChecked(field == "pin")
        self.keypad.set_text(self.values[field])  # continue where it was

    def _changed(self, text: str) -> None:
        self.values[self.field] = text
        self.retranslate()

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    def retranslate(self) -> None:
        # Staff screens are always Dutch, like the core's refusals shown on them (a
        # visitor's language choice does not carry over to a colleague).
        self.title.setText("Alleen voor medewerkers")
        self.text.setText(
            "Houd uw medewerkerspas bij de lezer. Of log in met uw "
            "code en pincode. Alleen een teamleider of beheerder kan "
            "de kiosk afsluiten."
        )
        self.code_button.setText(f"Code: {self.values['code'].lower()}")
        self.pin_button.setText(f"Pincode: {'●' * len(self.values['pin'])}")
        self.back.setText("Terug")
        self.login.setText("Inloggen")
        self.keypad.set_backspace_text("Wissen")

    def reset(self) -> None:
        self.values = {"code": "", "pin": ""}
        self.problem.clear()
        self._select("code")


class StaffMenuScreen(Screen):
    name = "staff_menu"
    close_kiosk = Signal()

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        s = host.settings
        self.staff_name = ""
        self.title = label("title")
        self.close_button = button(min_height=s.touch_px * 2)
        self.back = button("primary", min_height=s.touch_px * 2)
        self.close_button.clicked.connect(self.close_kiosk.emit)
        self.back.clicked.connect(lambda: host.go("start"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(200, 60, 200, 60)
        layout.setSpacing(40)
        layout.addWidget(self.title)
        layout.addWidget(self.back)
        layout.addWidget(self.close_button)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.title.setText(f"Ingelogd als {self.staff_name}")
        self.close_button.setText("Kiosk afsluiten")
        self.back.setText("Terug naar het beginscherm")

    def reset(self) -> None:
        self.staff_name = ""
