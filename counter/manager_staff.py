"""The team leader's staff window: add a colleague, give a PIN or a card, disable.

Opened from the monitor's header ("Medewerkers", Ctrl+M). Everything goes through
``Loket.staff_admin`` as the logged-in team leader, so the same rules apply as on the
command line (a team leader makes nobody administrator) and every change is in the event
log without the PIN or the card number. A card is read by holding it on this PC's reader
while the window waits for it, or typed as its number (UID).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from counter.style import button, label
from loket.errors import DomainError
from loket.views import ROLE_NL, STAFF_ROLES, StaffEntry

if TYPE_CHECKING:
    from counter.manager import ManagerWindow

COLUMNS = ["Inlognaam", "Naam", "Rollen", "Pincode", "Pas", "Status"]


def add_staff_button(window: ManagerWindow, bar: QHBoxLayout) -> None:
    """The header button of the monitor; ``window.staff_dialog`` while it is open."""
    window.staff_dialog = None

    def open_dialog() -> None:
        if window.services is None:
            return
        dialog = StaffDialog(window)
        window.staff_dialog = dialog
        try:
            dialog.exec()
        finally:
            window.staff_dialog = None

    bar.addWidget(button("Medewerkers", "Ctrl+M", open_dialog, window.work, "secondary"))
    bar.addSpacing(8)


class StaffDialog(QDialog):
    def __init__(self, window: ManagerWindow) -> None:
        super().__init__(window)
        assert window.services is not None
        self.admin = window.services.staff_admin
        self.waiting_for_card = False
        self.setWindowTitle("Loket — medewerkers")
        self.setStyleSheet(window.styleSheet())
        self.resize(1100, 720)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)

        # Changes to the chosen colleague.
        chosen = QGroupBox("Gekozen medewerker")
        self.chosen_name = label("Kies iemand in de lijst.", None, wrap=False)
        self.pin1 = QLineEdit()
        self.pin2 = QLineEdit()
        for field in (self.pin1, self.pin2):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(8)
            field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.pin1.setPlaceholderText("nieuwe pincode")
        self.pin2.setPlaceholderText("herhaal pincode")
        for field in (self.pin1, self.pin2):
            field.setMinimumWidth(170)
        self.uid = QLineEdit()
        self.uid.setPlaceholderText("pasnummer, of pas op lezer")
        self.uid.setMinimumWidth(300)
        self.pin_button = button("Pincode opslaan", None, self.save_pin, self)
        self.card_button = button("Pas koppelen", None, self.link_card, self)
        self.remove_card_button = button("Pas weghalen", None, self.remove_card, self, "secondary")
        self.active_button = button("Uitschakelen", None, self.toggle_active, self, "secondary")
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin1)
        pin_row.addWidget(self.pin2)
        pin_row.addWidget(self.pin_button)
        card_row = QHBoxLayout()
        card_row.addWidget(self.uid, 1)
        card_row.addWidget(self.card_button)
        card_row.addWidget(self.remove_card_button)
        chosen_box = QVBoxLayout(chosen)
        chosen_box.addWidget(self.chosen_name)
        chosen_box.addLayout(pin_row)
        chosen_box.addLayout(card_row)
        chosen_box.addWidget(self.active_button, 0, Qt.AlignmentFlag.AlignLeft)

        # A new colleague.
        new = QGroupBox("Nieuwe medewerker")
        self.new_code = QLineEdit()
        self.new_code.setPlaceholderText("bijvoorbeeld j.devries")
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("voor- en achternaam")
        self.role_boxes: dict[str, QCheckBox] = {}
        roles_row = QHBoxLayout()
        for role in STAFF_ROLES:
            box = QCheckBox(ROLE_NL.get(role, role))
            self.role_boxes[role] = box
            roles_row.addWidget(box)
        roles_row.addStretch(1)
        self.role_boxes["counter"].setChecked(True)
        form = QFormLayout(new)
        form.addRow("Inlognaam", self.new_code)
        form.addRow("Naam", self.new_name)
        form.addRow("Rollen", roles_row)
        form.addRow("", button("Toevoegen", None, self.add, self))

        self.message = label("", "message")
        close = button("Sluiten", "Esc", self.accept, self, "secondary")
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(close)

        lower = QHBoxLayout()
        lower.addWidget(chosen, 1)
        lower.addWidget(new, 1)
        page = QVBoxLayout(self)
        page.addWidget(label("Medewerkers", "title", wrap=False))
        page.addWidget(self.table, 1)
        page.addLayout(lower)
        page.addLayout(bottom)
        self.entries: list[StaffEntry] = []
        self.reload()
        self._selected()

    # -- list ---------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        self.entries = self.admin.list()
        self.table.setRowCount(len(self.entries))
        for row, e in enumerate(self.entries):
            values = [
                e.code,
                e.name,
                e.roles_nl,
                "ja" if e.has_pin else "nee",
                "ja" if e.has_card else "nee",
                ("geblokkeerd" if e.locked else "actief") if e.active else "uitgeschakeld",
            ]
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
            if e.code == keep:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._selected()  # the same row stays selected: no signal, so the buttons here

    def current(self) -> StaffEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def select(self, code: str) -> None:
        for row, e in enumerate(self.entries):
            if e.code == code:
                self.table.selectRow(row)

    def _selected(self) -> None:
        e = self.current()
        for w in (self.pin_button, self.card_button, self.remove_card_button, self.active_button):
            w.setEnabled(e is not None)
        if e is None:
            self.chosen_name.setText("Kies iemand in de lijst.")
            return
        self.chosen_name.setText(f"{e.name} ({e.roles_nl})")
        self.active_button.setText("Inschakelen" if not e.active else "Uitschakelen")
        self.remove_card_button.setEnabled(e.has_card)

    # -- actions ------------------------------------------------------------------------

    def _do(self, action: Callable[[], StaffEntry], done: str) -> bool:
        try:
            entry = action()
        except DomainError as exc:
            self.message.setText(exc.message)
            return False
        self.reload(keep=entry.code)
        self.message.setText(done.format(name=entry.name))
        return True

    def add(self) -> None:
        roles = [r for r, box in self.role_boxes.items() if box.isChecked()]
        code = self.new_code.text()
        if self._do(
            lambda: self.admin.add(code, self.new_name.text(), roles),
            "{name} is toegevoegd. Geef nu een pincode of koppel een pas.",
        ):
            self.new_code.clear()
            self.new_name.clear()
            self.select(code.strip().lower())

    def save_pin(self) -> None:
        e = self.current()
        if e is None:
            return
        if self.pin1.text() != self.pin2.text():
            self.message.setText("De twee pincodes zijn niet gelijk. Typ ze opnieuw.")
            return
        pin = self.pin1.text()
        self.pin1.clear()
        self.pin2.clear()
        self._do(lambda: self.admin.set_pin(e.code, pin), "Nieuwe pincode opgeslagen voor {name}.")

    def link_card(self) -> None:
        e = self.current()
        if e is None:
            return
        if not self.uid.text().strip():
            self.waiting_for_card = True
            self.message.setText(f"Houd de pas van {e.name} op de lezer.")
            return
        uid = self.uid.text()
        if self._do(lambda: self.admin.enrol_card(e.code, uid), "De pas is gekoppeld aan {name}."):
            self.uid.clear()

    def card_read(self, uid: str) -> None:
        """A card on the reader while this window is open: link it if we wait for one."""
        if not self.waiting_for_card:
            return
        self.waiting_for_card = False
        e = self.current()
        if e is not None:
            self._do(lambda: self.admin.enrol_card(e.code, uid), "De pas is gekoppeld aan {name}.")

    def remove_card(self) -> None:
        e = self.current()
        if e is not None:
            self._do(lambda: self.admin.remove_card(e.code), "De pas van {name} is weggehaald.")

    def toggle_active(self) -> None:
        e = self.current()
        if e is None:
            return
        word = "weer ingeschakeld" if not e.active else "uitgeschakeld: kan niet meer inloggen"
        self._do(lambda: self.admin.set_active(e.code, not e.active), "{name} is " + word + ".")
