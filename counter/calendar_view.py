"""The appointment calendar: a slot picker (also used for a follow-up at the counter),
and the day and week views of reception with booking, moving and cancelling.

All reads and writes go through ``Loket``; capacity is whatever ``loket.appointment_calendar``
reports (today the simple count, later the scheduler's slots).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter.responsive import Responsive
from counter.style import DUTCH, button, cell_text, confirm, label, picked_date, say
from loket.errors import DomainError, Unavailable
from loket.services import Loket
from loket.views import SmtpSettings
from loket.views.language import language

T = TypeVar("T")

FULL = QColor("#f1f3f5")
FREE = QColor("#e3f4e8")
DAY_SHORT = ["ma", "di", "wo", "do", "vr", "za", "zo"]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class SlotPicker(QWidget):
    """Service, day and a list of free start times for that service."""

    changed = Signal()

    def __init__(
        self, loket: Loket, branch: str, parent: QWidget | None = None, service: str | None = None
    ) -> None:
        super().__init__(parent)
        self.loket = loket
        self.branch = branch
        self.service_box = QComboBox()
        for s in loket.services_at(branch):
            if s.appointment:
                self.service_box.addItem(s.name_nl, s.code)
        if service:
            self.service_box.setCurrentIndex(max(0, self.service_box.findData(service)))
        self.day = QDateEdit(_qdate(loket.now().date()))
        self.day.setCalendarPopup(True)
        self.day.setLocale(DUTCH)
        self.day.setDisplayFormat("dddd d MMMM yyyy")
        self.slots = QListWidget()
        self.slots.setFlow(QListWidget.Flow.LeftToRight)
        self.slots.setWrapping(True)
        self.slots.setSpacing(4)
        self.slots.setMinimumHeight(120)
        self.info = label("", "muted")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Dienst", self.service_box)
        form.addRow("Dag", self.day)
        form.addRow("Tijd", self.slots)
        form.addRow("", self.info)
        self.service_box.currentIndexChanged.connect(self.reload)
        self.day.dateChanged.connect(self.reload)
        self.slots.currentItemChanged.connect(lambda *_: self.changed.emit())
        self.reload()

    @property
    def service(self) -> str:
        return str(self.service_box.currentData())

    def set_day(self, day: date) -> None:
        self.day.setDate(_qdate(day))

    def selected(self) -> datetime | None:
        item = self.slots.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, moment: datetime) -> bool:
        for i in range(self.slots.count()):
            if self.slots.item(i).data(Qt.ItemDataRole.UserRole) == moment:
                self.slots.setCurrentRow(i)
                return True
        return False

    def reload(self) -> None:
        self.slots.clear()
        if not self.service_box.count():
            return
        plan = self.loket.day_plan(self.branch, self.service, picked_date(self.day))
        for slot in plan.slots:
            if not slot.bookable:
                continue
            item = QListWidgetItem(f"{slot.start:%H:%M}")
            item.setData(Qt.ItemDataRole.UserRole, slot.start)
            item.setToolTip(f"nog {slot.free} plek(ken)")
            self.slots.addItem(item)
        if plan.closed_reason:
            self.info.setText(f"Gesloten: {plan.closed_reason}.")
        elif not self.slots.count():
            self.info.setText(
                "Op deze dag is er geen plek meer voor deze dienst. Kies een andere dag."
            )
        else:
            self.info.setText(f"Open: {plan.hours}. {self.slots.count()} tijden vrij.")
        self.changed.emit()


class CalendarView(QWidget):
    """Reception's calendar: day or week per branch and service, with capacity."""

    def __init__(
        self,
        loket: Loket,
        branch: str,
        parent: QWidget | None = None,
        smtp: SmtpSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.loket = loket
        self.smtp = smtp
        self.branch_box = QComboBox()
        for b in loket.branches():
            self.branch_box.addItem(b.name, b.code)
        self.branch_box.setCurrentIndex(max(0, self.branch_box.findData(branch)))
        self.service_box = QComboBox()
        for box in (self.branch_box, self.service_box):
            # Long service names must not set the width of the whole window.
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(14)
        self.day = QDateEdit(_qdate(loket.now().date()))
        self.day.setCalendarPopup(True)
        self.day.setLocale(DUTCH)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.day_mode = QRadioButton("Dag")
        self.week_mode = QRadioButton("Week")
        self.day_mode.setChecked(True)
        where = QHBoxLayout()
        where.addWidget(self.branch_box, 1)
        where.addWidget(self.service_box, 1)
        when = QHBoxLayout()
        when.addWidget(button("◀", "Ctrl+PgUp", lambda: self._shift(-1), self, "secondary"))
        when.addWidget(self.day, 1)
        when.addWidget(button("▶", "Ctrl+PgDown", lambda: self._shift(1), self, "secondary"))
        when.addWidget(self.day_mode)
        when.addWidget(self.week_mode)
        top = Responsive([where, when], stretches=[4, 3])

        self.heading = label("", "title")
        self.hours = label("", "muted")
        self.grid = QTableWidget(0, 1)
        self.grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.verticalHeader().setVisible(False)
        self.grid.itemSelectionChanged.connect(self._slot_chosen)

        # The appointments of the shown day, with the actions for one of them.
        self.list = QTableWidget(0, 5)
        self.list.setHorizontalHeaderLabels(["Tijd", "Naam", "Dienst", "Status", "Kenmerk"])
        self.list.verticalHeader().setVisible(False)
        self.list.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Times, status and reference whole ("10:40", not "1…"); the name takes the rest.
        head = self.list.horizontalHeader()
        for column in (0, 2, 3, 4):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.list.itemSelectionChanged.connect(self._appointment_chosen)
        self.reschedule_button = button(
            "Verzetten naar gekozen tijd", "Ctrl+M", self.reschedule, self, "secondary"
        )
        self.cancel_button = button(
            "Afspraak annuleren", "Ctrl+Del", self.cancel, self, "secondary"
        )
        self.pdf_button = button("Brief (PDF)", "Ctrl+P", self.save_letter, self, "secondary")
        self.mail_button = button("E-mail sturen", "Ctrl+E", self.send_mail, self, "secondary")
        if smtp is None:
            self.mail_button.setToolTip(
                "Er is geen mailserver ingesteld ([smtp] in de configuratie)."
            )
        # Two by two: four buttons in a row do not fit a laptop screen.
        actions = QGridLayout()
        for i, action_button in enumerate(
            (self.reschedule_button, self.cancel_button, self.pdf_button, self.mail_button)
        ):
            actions.addWidget(action_button, i // 2, i % 2)

        # Booking form (phone bookings): the time comes from the grid.
        form_box = QGroupBox("Nieuwe afspraak (telefoon)")
        self.chosen = label("Kies eerst een vrije tijd in het rooster.", "muted")
        self.name = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.notes = QLineEdit()
        self.call_by_name = QCheckBox("Wil bij naam worden geroepen")
        self.assistance = QCheckBox("Heeft hulp nodig")
        # The language of the letter, e-mail and .ics (issue 18), each in its own name.
        self.language = QComboBox()
        try:
            offered = self.loket.languages()
        except (DomainError, Unavailable):
            offered = ("nl",)
        for code in offered:
            self.language.addItem(language(code).name, code)
        form = QFormLayout(form_box)
        form.addRow("Tijd", self.chosen)
        form.addRow("Naam", self.name)
        form.addRow("Telefoon", self.phone)
        form.addRow("E-mail", self.email)
        form.addRow("Notitie", self.notes)
        form.addRow("Taal van de brief", self.language)
        form.addRow("", self.call_by_name)
        form.addRow("", self.assistance)
        self.book_button = button("Afspraak maken", "Ctrl+Return", self.book, self)
        form.addRow("", self.book_button)
        self.message = label("", "message")

        left = QVBoxLayout()
        left.addWidget(self.heading)
        left.addWidget(self.hours)
        left.addWidget(self.grid, 3)
        self.list_title = label("", "muted")
        left.addWidget(self.list_title)
        left.addWidget(self.list, 2)
        left.addLayout(actions)
        right = QVBoxLayout()
        right.addWidget(form_box)
        right.addStretch(1)
        # The form beside the agenda on a wide screen, below it on a narrow one.
        body = Responsive([left, right], stretches=[3, 2])
        layout = QVBoxLayout(self)
        layout.addWidget(top)
        layout.addWidget(body, 1)
        layout.addWidget(self.message)

        self._slot: datetime | None = None
        self._reference: str | None = None
        self.branch_box.currentIndexChanged.connect(self._branch_changed)
        self.service_box.currentIndexChanged.connect(self.reload)
        self.day.dateChanged.connect(self.reload)
        self.day_mode.toggled.connect(self.reload)
        self._branch_changed()

    @property
    def branch(self) -> str:
        return str(self.branch_box.currentData())

    @property
    def service(self) -> str:
        return str(self.service_box.currentData())

    def _branch_changed(self) -> None:
        current = self.service_box.currentData()
        self.service_box.blockSignals(True)
        self.service_box.clear()
        for s in self.loket.services_at(self.branch):
            if s.appointment:
                self.service_box.addItem(f"{s.name_nl} ({s.duration_minutes} min)", s.code)
        index = self.service_box.findData(current)
        self.service_box.setCurrentIndex(max(0, index))
        self.service_box.blockSignals(False)
        self.reload()

    def _shift(self, direction: int) -> None:
        step = 7 if self.week_mode.isChecked() else 1
        self.day.setDate(self.day.date().addDays(step * direction))

    def set_day(self, day: date, week: bool = False) -> None:
        self.week_mode.setChecked(week)
        self.day_mode.setChecked(not week)
        self.day.setDate(_qdate(day))

    def reload(self) -> None:
        if not self.service_box.count():
            return
        day = picked_date(self.day)
        self._slot = None
        self.chosen.setText("Kies eerst een vrije tijd in het rooster.")
        if self.week_mode.isChecked():
            plans = self.loket.week_plan(self.branch, self.service, day)
        else:
            plans = [self.loket.day_plan(self.branch, self.service, day)]
        self._fill_grid(plans)
        shown = next((p for p in plans if p.day == day), plans[0])
        self._fill_list(shown.appointments)
        self.list_title.setText(f"Afspraken op {shown.title}")
        first, last = plans[0], plans[-1]
        if len(plans) == 1:
            self.heading.setText(first.title.capitalize())
            if first.closed_reason:
                self.hours.setText(f"Gesloten: {first.closed_reason}.")
            else:
                extra = f" ({first.exception_reason})" if first.exception_reason else ""
                self.hours.setText(
                    f"Open {first.hours}{extra}. Nog {first.free} tijden vrij voor deze dienst."
                )
        else:
            self.heading.setText(f"Week van {first.title} tot {last.title}")
            self.hours.setText(
                f"Nog {sum(p.free for p in plans)} tijden vrij deze week "
                "voor deze dienst. Groen: vrij; het getal is het aantal "
                "balies dat dan nog vrij is."
            )

    def _fill_grid(self, plans: list) -> None:  # type: ignore[type-arg]
        times = sorted({s.start.time() for p in plans for s in p.slots})
        self.grid.clear()
        self.grid.setColumnCount(len(plans) + 1)
        self.grid.setRowCount(len(times))
        heads = ["Tijd"] + [
            f"{DAY_SHORT[p.day.weekday()]} {p.day.day}-{p.day.month}"
            + (" (dicht)" if p.closed_reason else "")
            for p in plans
        ]
        self.grid.setHorizontalHeaderLabels(heads)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for row, moment in enumerate(times):
            item = QTableWidgetItem(f"{moment:%H:%M}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.grid.setItem(row, 0, item)
            for col, plan in enumerate(plans, start=1):
                slot = next((s for s in plan.slots if s.start.time() == moment), None)
                if slot is None:
                    cell = QTableWidgetItem("")
                    cell.setFlags(Qt.ItemFlag.NoItemFlags)
                    cell.setBackground(FULL)
                else:
                    text = "voorbij" if slot.past else f"{slot.free} vrij" if slot.free else "vol"
                    if slot.booked:
                        text += f" · {slot.booked} afspr."
                    cell = QTableWidgetItem(text)
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    cell.setData(Qt.ItemDataRole.UserRole, slot.start)
                    cell.setBackground(FREE if slot.free else FULL)
                    if not slot.free:
                        cell.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.grid.setItem(row, col, cell)

    def _fill_list(self, appointments: list) -> None:  # type: ignore[type-arg]
        self.list.setRowCount(len(appointments))
        for row, a in enumerate(appointments):
            for col, text in enumerate(
                [f"{a.start:%H:%M}", a.name or "", a.service_name, a.status_nl, a.reference]
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.reference)
                self.list.setItem(row, col, item)
        for col in (0, 2, 3, 4):
            self.list.resizeColumnToContents(col)
        self._appointment_chosen()

    def select_slot(self, moment: datetime) -> bool:
        for row in range(self.grid.rowCount()):
            for col in range(1, self.grid.columnCount()):
                item = self.grid.item(row, col)
                if item is not None and item.data(Qt.ItemDataRole.UserRole) == moment:
                    self.grid.setCurrentItem(item)
                    return True
        return False

    def select_appointment(self, reference: str) -> bool:
        for row in range(self.list.rowCount()):
            if cell_text(self.list, row, 4) == reference:
                self.list.setCurrentCell(row, 0)
                self.list.selectRow(row)
                self._appointment_chosen()
                return True
        return False

    def _slot_chosen(self) -> None:
        item = self.grid.currentItem()
        moment = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(moment, datetime) or not item.text().split()[0].isdigit():
            self._slot = None
            return
        self._slot = moment
        self.chosen.setText(f"{DAY_SHORT[moment.weekday()]} {moment:%d-%m-%Y %H:%M}")
        self._appointment_chosen()

    def _appointment_chosen(self) -> None:
        rows = {i.row() for i in self.list.selectedItems()} or (
            {self.list.currentRow()} if self.list.currentRow() >= 0 else set()
        )
        self._reference = cell_text(self.list, min(rows), 4) if rows else None
        has = self._reference is not None
        for b in (self.cancel_button, self.pdf_button):
            b.setEnabled(has)
        self.mail_button.setEnabled(has and self.smtp is not None)
        self.reschedule_button.setEnabled(has and self._slot is not None)

    def _run(self, action: Callable[[], T], done: str) -> T | None:
        try:
            result = action()
        except (DomainError, Unavailable) as exc:
            say(self.message, exc.message, error=True)
            return None
        say(self.message, done.format(result=result))
        return result

    def book(self) -> None:
        if self._slot is None:
            say(self.message, "Kies eerst een vrije tijd in het rooster.", error=True)
            return
        slot = self._slot
        booked = self._run(
            lambda: self.loket.book_appointment(
                self.branch,
                self.service,
                slot,
                name=self.name.text(),
                phone=self.phone.text(),
                email=self.email.text(),
                notes=self.notes.text(),
                channel="phone",
                call_by_name=self.call_by_name.isChecked(),
                needs_assistance=self.assistance.isChecked(),
                language=str(self.language.currentData() or "nl"),
            ),
            "",
        )
        if booked is None:
            return
        for field in (self.name, self.phone, self.email, self.notes):
            field.clear()
        self.call_by_name.setChecked(False)
        self.assistance.setChecked(False)
        self.language.setCurrentIndex(0)
        self.reload()
        self.select_appointment(booked.reference)
        self.message.setText(
            f"Afspraak gemaakt: {slot:%d-%m %H:%M}, afspraaknummer "
            f"{booked.reference}. Code voor het aanmeldscherm bij de ingang: {booked.short_code}."
        )

    def reschedule(self) -> None:
        if self._reference is None or self._slot is None:
            return
        reference, slot = self._reference, self._slot
        moved = self._run(lambda: self.loket.reschedule_appointment(reference, slot), "")
        if moved is not None:
            self.reload()
            self.select_appointment(moved.reference)
            self.message.setText(
                f"Afspraak verzet naar {slot:%d-%m %H:%M}. Nieuw afspraaknummer: {moved.reference}."
            )

    def cancel(self) -> None:
        if self._reference is None:
            return
        reference = self._reference
        if not confirm(
            self,
            f"Afspraak {reference} annuleren? De tijd komt weer vrij voor anderen.",
            "Afspraak annuleren",
        ):
            say(self.message, "De afspraak is niet geannuleerd.")
            return
        if (
            self._run(
                lambda: self.loket.cancel_appointment(reference),
                f"Afspraak {reference} is geannuleerd.",
            )
            is not None
        ):
            self.reload()

    def letter_path(self, reference: str) -> str:
        import tempfile
        from pathlib import Path

        return str(Path(tempfile.gettempdir()) / f"afspraak-{reference}.pdf")

    def save_letter(self, path: str | None = None) -> str | None:
        """Write the PDF letter; reception prints it or hands it over."""
        if self._reference is None:
            return None
        reference = self._reference
        target = path or self.letter_path(reference)
        pdf = self._run(lambda: self.loket.confirmation_pdf(reference), "")
        if pdf is None:
            return None
        with open(target, "wb") as handle:
            handle.write(pdf)  # type: ignore[arg-type]
        self.message.setText(f"De brief staat klaar: {target}")
        if path is None:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl.fromLocalFile(target))
        return target

    def send_mail(self) -> None:
        if self._reference is None or self.smtp is None:
            return
        reference, smtp = self._reference, self.smtp
        self._run(
            lambda: self.loket.email_confirmation(reference, smtp),
            "Bevestiging gemaild naar {result}.",
        )
