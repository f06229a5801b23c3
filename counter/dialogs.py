"""Small dialogs of the counter: transfer, park, call a number, follow-up appointment.

They open with ``open()`` (window-modal, not blocking), so the workstation stays live
and tests fill and accept them like a clerk does.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter.calendar_view import SlotPicker
from counter.style import label
from loket.services import Loket
from loket.views import CALL_REASONS


class _Dialog(QDialog):
    def __init__(
        self, title: str, intro: str, parent: QWidget | None, ok_text: str = "Doen"
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = QFormLayout()
        self.error = label("", "error")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        back = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        back.setText("Terug")
        back.setObjectName("secondary")  # stepping back is never the main action
        back.setAutoDefault(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(title, "title"))
        if intro:
            layout.addWidget(label(intro, "muted"))
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)


class TransferDialog(_Dialog):
    def __init__(
        self,
        loket: Loket,
        branch: str,
        number: str,
        current_service: str,
        own_counter: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            f"{number} doorsturen",
            "Het nummer blijft hetzelfde. Schrijf een korte notitie voor uw collega.",
            parent,
            "Doorsturen",
        )
        self.service_box = QComboBox()
        self.service_box.addItem("Zelfde dienst", None)
        for s in loket.services_at(branch):
            if s.code != current_service:
                self.service_box.addItem(s.name_nl, s.code)
        self.counter_box = QComboBox()
        self.counter_box.addItem("Elke balie", None)
        for n in loket.counter_numbers(branch):
            if n != own_counter:
                self.counter_box.addItem(f"Balie {n}", n)
        self.note = QLineEdit()
        self.note.setPlaceholderText("bijvoorbeeld: pasfoto ontbrak, komt terug")
        self.form.addRow("Naar dienst", self.service_box)
        self.form.addRow("Naar balie", self.counter_box)
        self.form.addRow("Notitie", self.note)

    def accept(self) -> None:
        if self.service_box.currentData() is None and self.counter_box.currentData() is None:
            self.error.setText("Kies een andere dienst of een balie.")
            return
        super().accept()


class ParkDialog(_Dialog):
    def __init__(self, number: str, parent: QWidget | None = None) -> None:
        super().__init__(
            f"{number} apart zetten",
            "De bezoeker wacht even, bijvoorbeeld op "
            "een pasfoto. U roept het nummer later zelf terug.",
            parent,
            "Apart zetten",
        )
        self.note = QLineEdit()
        self.form.addRow("Notitie", self.note)


class CallNumberDialog(_Dialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Bepaald nummer oproepen",
            "Alleen met een reden. Kies de reden uit de lijst.",
            parent,
            "Oproepen",
        )
        self.number = QLineEdit()
        self.number.setPlaceholderText("bijvoorbeeld A 12")
        # A list, not free text: the reason goes into the permanent event log.
        self.reason = QComboBox()
        for code, text in CALL_REASONS.items():
            self.reason.addItem(text, code)
        self.form.addRow("Nummer", self.number)
        self.form.addRow("Reden", self.reason)

    @property
    def reason_code(self) -> str:
        return str(self.reason.currentData())

    def accept(self) -> None:
        if not self.number.text().strip():
            self.error.setText("Vul het nummer in.")
            return
        super().accept()


class FollowUpDialog(_Dialog):
    """A follow-up appointment, prefilled with the visitor's details."""

    def __init__(
        self,
        loket: Loket,
        branch: str,
        service: str,
        name: str | None,
        phone: str | None,
        email: str | None,
        parent: QWidget | None = None,
        call_by_name: bool = False,
    ) -> None:
        super().__init__(
            "Vervolgafspraak maken",
            "Kies dienst, dag en tijd. De bezoeker krijgt een brief of e-mail met de code.",
            parent,
            "Afspraak maken",
        )
        self.picker = SlotPicker(loket, branch, self, service)
        self.name = QLineEdit(name or "")
        self.phone = QLineEdit(phone or "")
        self.email = QLineEdit(email or "")
        self.notes = QLineEdit()
        self.call_by_name = QCheckBox("Wil bij naam worden geroepen")
        # The visitor's wish carries over from the appointment they came for.
        self.call_by_name.setChecked(call_by_name)
        self.form.addRow(self.picker)
        self.form.addRow("Naam", self.name)
        self.form.addRow("Telefoon", self.phone)
        self.form.addRow("E-mail", self.email)
        self.form.addRow("Notitie", self.notes)
        self.form.addRow("", self.call_by_name)
        self.setMinimumWidth(640)

    def accept(self) -> None:
        if self.picker.selected() is None:
            self.error.setText("Kies een tijd.")
            return
        if not self.name.text().strip():
            self.error.setText("Vul de naam in.")
            return
        super().accept()
