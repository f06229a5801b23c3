"""Reception: walk-in numbers on behalf of visitors, check-in by name or reference, the
appointment calendar (phone bookings), closures and extra sessions, imports and the
live queue.

"Not everyone is digital": everything the kiosk does, reception can do for a visitor.
Tabs a role may not use are not shown (closures need "de wachtrij beheren").
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from counter.calendar_view import CalendarView
from counter.live_queue import LiveQueueWindow
from counter.login import StaffWindow
from counter.responsive import Responsive
from counter.style import DUTCH, STYLE, button, confirm, label, picked_date, picked_time, say
from kiosk.live_feed import EventSource, PolledFeed
from loket.errors import DomainError, Unavailable
from loket.services import Loket
from loket.views import ROLE_NL, EventRecord, SmtpSettings, StaffView, in_sentence


def _error(target: Any, text: str) -> None:
    say(target, text, error=True)


def _ok(target: Any, text: str) -> None:
    say(target, text)


class FrontDesk(QWidget):
    """Walk-in numbers and check-in, side by side: the two things done most."""

    def __init__(self, loket: Loket, branch: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loket = loket
        self.branch = branch
        walk_in = QGroupBox("Nummer voor een bezoeker zonder afspraak")
        self.service_list = QListWidget()
        for s in loket.services_at(branch):
            if s.walk_in:
                self.service_list.addItem(f"{s.prefix}   {s.name_nl}")
                self.service_list.item(self.service_list.count() - 1).setData(
                    Qt.ItemDataRole.UserRole, s.code
                )
        # Nothing chosen in advance: a number is only given for the service picked.
        self.service_list.setCurrentRow(-1)
        self.assistance = QCheckBox("Heeft hulp nodig (bijvoorbeeld rolstoel, slecht zien)")
        self.issue_button = button("Nummer geven", "Ctrl+G", self.issue, self)
        # Alleen-op-afspraak: reception may still let a walk-in in (counted apart).
        self.let_in_button = button(
            "Toch binnenlaten", "Ctrl+L", lambda: self.issue(let_in=True), self, "secondary"
        )
        self.issued = label("", "bigNumber", wrap=False)
        self.issued_text = label("", "message")
        # Two lines always fit: a wrapped label set after layout otherwise gets the
        # height of one line and its text is cut off.
        self.issued_text.setMinimumHeight(3 * self.issued_text.fontMetrics().lineSpacing())
        box = QVBoxLayout(walk_in)
        box.addWidget(self.service_list, 1)
        box.addWidget(self.assistance)
        buttons = QHBoxLayout()
        buttons.addWidget(self.issue_button, 1)
        buttons.addWidget(self.let_in_button)
        box.addLayout(buttons)
        box.addWidget(self.issued)
        box.addWidget(self.issued_text)

        check_in = QGroupBox("Inchecken voor een afspraak van vandaag")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Naam of afspraaknummer")
        self.search.textChanged.connect(self.find_appointments)
        self.results = QTableWidget(0, 4)
        self.results.setHorizontalHeaderLabels(["Tijd", "Naam", "Dienst", "Status"])
        self.results.verticalHeader().setVisible(False)
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Time, service and status keep their full text; the name takes what is left.
        head = self.results.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.check_in_button = button("Inchecken", "Ctrl+I", self.check_in, self)
        self.checked = label("", "message")
        box2 = QVBoxLayout(check_in)
        box2.addWidget(self.search)
        box2.addWidget(self.results, 1)
        box2.addWidget(self.check_in_button)
        box2.addWidget(self.checked)
        layout = QVBoxLayout(self)
        layout.addWidget(Responsive([walk_in, check_in], stretches=[1, 1]))
        self._references: list[str] = []
        self.find_appointments()

    def issue(self, let_in: bool = False) -> None:
        item = self.service_list.currentItem()
        if item is None or not item.isSelected():
            self.issued.setText("")
            _error(self.issued_text, "Kies eerst de dienst waarvoor de bezoeker komt.")
            return
        try:
            t = self.loket.issue_ticket(
                self.branch,
                item.data(Qt.ItemDataRole.UserRole),
                needs_assistance=self.assistance.isChecked(),
                let_in=let_in,
            )
        except (DomainError, Unavailable) as exc:
            self.issued.setText("")
            hint = ""
            if getattr(exc, "code", "") == "appointment_only":
                hint = " Met 'Toch binnenlaten' geeft u de bezoeker toch een nummer."
            _error(self.issued_text, exc.message + hint)
            return
        self.issued.setText(t.number)
        if t.predicted_wait_minutes is None:
            wait = f" {t.wait_note}" if t.wait_note else ""
        elif t.predicted_wait_minutes == 0:
            wait = " Hij of zij is zo aan de beurt."
        else:
            wait = f" Verwachte wachttijd: ongeveer {t.predicted_wait_minutes} minuten."
        _ok(
            self.issued_text,
            f"Geef de bezoeker nummer {t.number} voor {in_sentence(t.service_name)}.{wait}",
        )
        self.assistance.setChecked(False)
        self.service_list.clearSelection()
        self.service_list.setCurrentRow(-1)

    def find_appointments(self) -> None:
        try:
            found = self.loket.find_appointments_today(self.branch, self.search.text())
        except (DomainError, Unavailable) as exc:
            _error(self.checked, exc.message)
            return
        self._references = [a.reference for a in found]
        self.results.setRowCount(len(found))
        for row, a in enumerate(found):
            for col, text in enumerate(
                [f"{a.start:%H:%M}", a.name or "", a.service_name, a.status_nl]
            ):
                self.results.setItem(row, col, QTableWidgetItem(text))
        # Nobody is chosen in advance: Inchecken [Ctrl+I] only checks in the person the
        # receptionist picked, and after a check-in nobody is chosen again.
        self.results.clearSelection()
        self.results.setCurrentCell(-1, -1)

    def check_in(self) -> None:
        rows = {i.row() for i in self.results.selectedItems()}
        if not rows:
            _error(self.checked, "Kies eerst in de lijst wie u wilt inchecken.")
            return
        row = min(rows)
        reference = self._references[row]
        name_cell = self.results.item(row, 1)
        who = (name_cell.text() if name_cell is not None else "") or reference
        try:
            ticket, text = self.loket.check_in_reference(reference, self.branch)
        except DomainError as exc:
            if exc.code != "too_early":
                _error(self.checked, exc.message)
                return
            # Too early at the kiosk's rule; the receptionist may let the visitor in.
            times = re.findall(r"\d{1,2}:\d{2}", exc.message)
            when = (
                f" De afspraak is om {times[0]}; inchecken kan vanaf {times[1]}."
                if len(times) >= 2
                else ""
            )
            question = (
                f"{who} is te vroeg.{when}\n\n"
                "Wilt u deze bezoeker toch nu inchecken? Dat wordt vastgelegd."
            )
            if not confirm(self, question, "Toch inchecken", "Niet inchecken"):
                _error(self.checked, f"Niet ingecheckt: {who} is te vroeg.{when}")
                return
            try:
                ticket, text = self.loket.check_in_reference(reference, self.branch, early_ok=True)
            except (DomainError, Unavailable) as again:
                _error(self.checked, again.message)
                return
        except Unavailable as exc:
            _error(self.checked, exc.message)
            return
        except Exception as exc:  # codes.CodeError: already used, wrong branch, ...
            _error(self.checked, str(getattr(exc, "message_nl", None) or exc))
            return
        self.find_appointments()
        _ok(self.checked, f"Ingecheckt: {who}, nummer {ticket.number}. {text}")


class SpecialDaysView(QWidget):
    """Closures and extra sessions, per branch."""

    def __init__(self, loket: Loket, branch: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loket = loket
        self.branch_box = QComboBox()
        for b in loket.branches():
            self.branch_box.addItem(b.name, b.code)
        self.branch_box.setCurrentIndex(max(0, self.branch_box.findData(branch)))
        today = loket.now().date()
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setCalendarPopup(True)
        self.day.setLocale(DUTCH)
        self.day.setDisplayFormat("dddd d MMMM yyyy")
        self.start = QTimeEdit(QTime(9, 0))
        self.end = QTimeEdit(QTime(12, 0))
        self.mode = QComboBox()
        for code, text in (
            ("appointment", "Alleen op afspraak"),
            ("mixed", "Met en zonder afspraak"),
            ("walk_in", "Alleen zonder afspraak"),
        ):
            self.mode.addItem(text, code)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("bijvoorbeeld: Spreekuur in de bibliotheek")
        form = QFormLayout()
        form.addRow("Vestiging", self.branch_box)
        form.addRow("Dag", self.day)
        times = QHBoxLayout()
        times.addWidget(self.start)
        times.addWidget(label("tot", wrap=False))
        times.addWidget(self.end)
        times.addWidget(self.mode, 1)
        form.addRow("Extra spreekuur", times)
        form.addRow("Reden (bezoekers zien dit)", self.reason)
        actions = QHBoxLayout()
        actions.addWidget(button("Extra spreekuur toevoegen", "Ctrl+T", self.add_session, self))
        actions.addWidget(button("Hele dag dicht", "Ctrl+D", self.close_day, self, "danger"))
        actions.addWidget(button("Gewone tijden terug", "Ctrl+R", self.restore, self, "secondary"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Dag", "Open", "Reden"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.message = label("", "message")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(label("Bijzondere dagen (komende drie maanden)", "title"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.branch_box.currentIndexChanged.connect(self.reload)
        self.reload()

    @property
    def branch(self) -> str:
        return str(self.branch_box.currentData())

    def _day(self) -> date:
        return picked_date(self.day)

    def reload(self) -> None:
        days = self.loket.special_days(self.branch)
        self.table.setRowCount(len(days))
        for row, d in enumerate(days):
            for col, text in enumerate([d.title, d.hours, d.reason]):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _done(self, change: Any, what: str) -> None:
        text = f"{what} Open: {change.hours}."
        if change.affected:
            names = "; ".join(
                f"{a.start:%H:%M} {a.name} ({a.phone or 'geen telefoon'})" for a in change.affected
            )
            text += f" Bel deze afspraken om te verzetten: {names}."
        _ok(self.message, text)
        self.reload()

    def add_session(self) -> None:
        start: time = picked_time(self.start)
        end: time = picked_time(self.end)
        try:
            change = self.loket.add_session(
                self.branch,
                self._day(),
                start,
                end,
                str(self.mode.currentData()),
                self.reason.text(),
            )
        except (DomainError, Unavailable) as exc:
            _error(self.message, exc.message)
            return
        self._done(change, "Extra spreekuur toegevoegd.")

    def close_day(self) -> None:
        try:
            change = self.loket.close_day(self.branch, self._day(), self.reason.text())
        except (DomainError, Unavailable) as exc:
            _error(self.message, exc.message)
            return
        self._done(change, "De vestiging is die dag dicht.")

    def restore(self) -> None:
        try:
            change = self.loket.restore_day(self.branch, self._day())
        except (DomainError, Unavailable) as exc:
            _error(self.message, exc.message)
            return
        self._done(change, "De gewone openingstijden gelden weer.")


class ImportView(QWidget):
    """Appointments from another system (CSV or .ics), with a report per refused row."""

    def __init__(self, loket: Loket, branch: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loket = loket
        self.branch = branch
        intro = label(
            "Lees afspraken in uit een ander systeem: een CSV-bestand (kolommen "
            "vestiging, dienst, datum, tijd, naam, email, telefoon, opmerking) of "
            "een iCalendar-bestand (.ics). Afspraken zonder vestiging komen in "
            "de vestiging van deze pc.",
            "muted",
        )
        self.summary = label("", "welcome")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Regel", "Afspraak", "Waarom geweigerd"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(button("Bestand kiezen", "Ctrl+O", self.choose, self))
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Afspraken inlezen", "", "Afspraken (*.csv *.ics)"
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> Any:
        kind = "ics" if path.suffix.lower() == ".ics" else "csv"
        try:
            report = self.loket.import_appointments(path.read_bytes(), kind, self.branch)
        except (DomainError, Unavailable) as exc:
            _error(self.summary, exc.message)
            return None
        _ok(
            self.summary,
            f"{path.name}: {len(report.booked)} afspraken ingelezen, "
            f"{len(report.refused)} geweigerd.",
        )
        self.table.setRowCount(len(report.refused))
        for row, r in enumerate(report.refused):
            for col, text in enumerate([str(r.row), r.summary, r.reason]):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.resizeRowsToContents()
        return report


class ReceptionWindow(StaffWindow):
    def __init__(
        self,
        loket: Loket,
        branch: str,
        *,
        workstation: str = "receptie-pc",
        smtp: SmtpSettings | None = None,
        parent: QWidget | None = None,
        feed: EventSource | None = None,
        poll_ms: int = 1000,
    ) -> None:
        super().__init__(
            loket,
            branch,
            workstation=workstation,
            window_title="Loket — receptie",
            style=STYLE,
            required="book",
            login_title="Inloggen bij de receptie",
            parent=parent,
        )
        self.smtp = smtp
        self.login.logged_in.connect(lambda person, _c: self.open_for(person))
        self.tabs: QTabWidget | None = None
        self.queue: LiveQueueWindow | None = None
        # The staff windows' event source: the live queue and today's check-ins follow
        # every PC's changes, and the band says when the database is away.
        self.feed = feed if feed is not None else PolledFeed(loket, poll_ms, parent=self)
        self.feed.events.connect(self._on_events)
        self.follow_connection(self.feed)

    def _on_events(self, records: list[EventRecord]) -> None:
        if self.services is None or not records:
            return
        if any(r["kind"].startswith("appointment.") for r in records):
            self.front.find_appointments()  # a check-in elsewhere changes the list

    def connection_back(self) -> None:
        if self.services is None:
            return
        self.front.find_appointments()
        if self.queue is not None:
            self.queue.refresh()

    def open_for(self, person: StaffView) -> None:
        """Build the tabs this person may use, acting as them."""
        actor = person.actor(self.workstation)
        self.services = self.loket.as_actor(actor)
        tabs = QTabWidget()
        self.front = FrontDesk(self.services, self.branch)
        self.calendar = CalendarView(self.services, self.branch, smtp=self.smtp)
        tabs.addTab(self.front, "Nummers en inchecken")
        tabs.addTab(self.calendar, "Agenda")
        self.special: SpecialDaysView | None = None
        try:
            self.loket.as_actor(actor).require("manage_queue")
            self.special = SpecialDaysView(self.services, self.branch)
            tabs.addTab(self.special, "Sluitingen en extra spreekuren")
        except (DomainError, Unavailable):
            pass  # hidden, not disabled: a tab that always refuses only confuses
        self.imports = ImportView(self.services, self.branch)
        tabs.addTab(self.imports, "Importeren")
        self.queue = LiveQueueWindow(self.services, self.branch, feed=self.feed)
        tabs.addTab(self.queue, "Wachtrij")
        roles = ", ".join(ROLE_NL.get(r, r) for r in person.roles)
        head = QHBoxLayout()
        head.addWidget(label(f"Receptie — {person.name} ({roles})", "title"), 1)
        head.addWidget(button("Uitloggen", "Ctrl+Q", self.log_out, self, "secondary"))
        page = QWidget()
        box = QVBoxLayout(page)
        box.addLayout(head)
        if self.special is None:
            box.addWidget(
                label(
                    "Sluitingen en extra spreekuren kunnen alleen de receptie "
                    "en de teamleider instellen.",
                    "muted",
                )
            )
        box.addWidget(tabs, 1)
        self.tabs = tabs
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)

    def log_out(self) -> None:
        if self.services is not None:
            with contextlib.suppress(DomainError, Unavailable):  # logging out never fails
                self.services.logout()
        self.services = None
        self.queue = None
        page = self.stack.currentWidget()
        self.stack.setCurrentWidget(self.login)
        if page is not None and page is not self.login:
            self.stack.removeWidget(page)
            page.deleteLater()
        self.login.reset()
