"""The manager window's "Planning" tab: the stored plan of a day per service point.

Per 15 minutes the expected walk-ins, the need, who is rostered and at which counter,
and the expected share called within the norm; above it which forecast the plan used,
who is absent, and what changed against the previous version. Recording an absence
here re-plans the day and shows the new plan with its changes at once.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter.style import button, label
from loket.errors import DomainError
from loket.views import REASONS_NL, SOURCE_NL, PlanView

if TYPE_CHECKING:
    from counter.manager import ManagerWindow

SHORT = QColor("#fde2e1")
HEADERS = ["Tijd", "Inloop verwacht", "Nodig", "Ingeroosterd", "Wie en waar", "Binnen norm"]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class PlanningTab(QWidget):
    def __init__(self, window: ManagerWindow) -> None:
        super().__init__()
        self.window_ = window
        self.plan: PlanView | None = None
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setLocale(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
        self.day.setDisplayFormat("dddd d MMMM yyyy")
        self.day.setDate(_qdate(window.loket.now().date()))
        self.day.dateChanged.connect(lambda _d: self.show_plan())
        self.make_button = button("Plan maken of vernieuwen", "Ctrl+N", self.replan, self)
        top = QHBoxLayout()
        top.addWidget(label("Dag", None, wrap=False))
        top.addWidget(self.day)
        top.addStretch(1)
        top.addWidget(self.make_button)

        self.summary = label("", "welcome")
        # What the forecast rests on: history (with the punctuality of bookings) or the
        # configured volumes.
        self.forecast = label("", None)
        self.absent = label("", None)
        self.changes = label("", None)
        # Room for a few lines: a wrapped label filled after layout is otherwise cut off.
        self.changes.setMinimumHeight(4 * self.changes.fontMetrics().lineSpacing())
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

        form = QGroupBox("Afwezigheid vastleggen")
        self.who = QComboBox()
        self.first = QDateEdit()
        self.last = QDateEdit()
        for d in (self.first, self.last):
            d.setCalendarPopup(True)
            d.setDisplayFormat("d-M-yyyy")
            d.setDate(self.day.date())
        self.reason = QComboBox()
        for code, text in REASONS_NL.items():
            self.reason.addItem(text, code)
        self.record_button = button("Vastleggen en herplannen", "Ctrl+A", self.record, self)
        row = QHBoxLayout(form)
        row.addWidget(self.who, 2)
        row.addWidget(label("van", None, wrap=False))
        row.addWidget(self.first, 1)
        row.addWidget(label("tot en met", None, wrap=False))
        row.addWidget(self.last, 1)
        row.addWidget(self.reason, 1)
        row.addWidget(self.record_button)
        self.result = label("", "message")

        page = QVBoxLayout(self)
        page.setContentsMargins(16, 12, 16, 12)
        page.addLayout(top)
        page.addWidget(self.summary)
        page.addWidget(self.forecast)
        page.addWidget(self.absent)
        page.addWidget(self.changes)
        page.addWidget(self.table, 1)
        page.addWidget(form)
        page.addWidget(self.result)

    @property
    def chosen_day(self) -> date:
        return _day(self.day)

    def opened(self) -> None:
        """After login: the colleagues for the absence form and the plan of the day."""
        services = self.window_.services
        if services is None:
            return
        self.who.clear()
        try:
            for code, name in services.planning.counter_staff():
                self.who.addItem(name, code)
        except DomainError as exc:
            self.result.setText(exc.message)
        self.show_plan()

    def replan(self) -> None:
        services = self.window_.services
        if services is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            stored = services.planning.stored(self.chosen_day)
            self.plan = services.planning.plan(self.chosen_day, replan=stored is not None)
        except DomainError as exc:
            self.result.setText(exc.message)
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._render()

    def record(self) -> None:
        services = self.window_.services
        if services is None or self.who.currentData() is None:
            return
        first = _day(self.first)
        last = _day(self.last)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = services.planning.record_absence(
                str(self.who.currentData()), first, last, str(self.reason.currentData())
            )
        except DomainError as exc:
            self.result.setText(exc.message)
            return
        finally:
            QApplication.restoreOverrideCursor()
        days = ", ".join(f"{p.day:%d-%m}" for p in result.replanned) or "geen"
        self.result.setText(
            f"{result.name} staat als afwezig ({result.reason}) van {first:%d-%m} tot en met "
            f"{last:%d-%m}. Opnieuw gepland: {days}."
        )
        self.show_plan()

    def show_plan(self) -> None:
        services = self.window_.services
        if services is None:
            return
        try:
            self.plan = services.planning.stored(self.chosen_day)
        except DomainError as exc:
            self.result.setText(exc.message)
            return
        self._render()

    def _render(self) -> None:
        plan = self.plan
        self.table.setRowCount(0)
        if plan is None:
            self.summary.setText("Voor deze dag is nog geen plan. Kies 'Plan maken'.")
            self.forecast.setText("")
            self.absent.setText("")
            self.changes.setText("")
            return
        try:
            branch = plan.branch(self.window_.branch)
        except DomainError:
            return
        source = SOURCE_NL.get(branch.forecast_source, branch.forecast_source)
        self.forecast.setText("" if branch.closed else branch.forecast_note)
        if branch.closed:
            self.summary.setText(f"{branch.name}: gesloten. {branch.closed}")
        else:
            share = (
                f"{branch.share_within_norm:.0%}" if branch.share_within_norm is not None else "-"
            )
            expected = (
                f"Binnen {branch.norm_minutes:g} min opgeroepen: {share} verwacht "
                f"(doel {branch.target_share:.0%})."
                if branch.norm_minutes is not None and branch.target_share is not None
                else f"Verwacht binnen de norm: {share}."
            )
            self.summary.setText(
                f"{branch.name}, {plan.day:%d-%m-%Y}: versie {plan.version}, voorspelling uit "
                f"{source}. {expected}"
            )
        self.absent.setText(
            "Afwezig: " + ", ".join(f"{n} ({r})" for n, r in plan.absent)
            if plan.absent
            else "Niemand afwezig."
        )
        self.changes.setText(
            "Gewijzigd tegenover de vorige versie:\n" + "\n".join(plan.changes)
            if plan.changes
            else ""
        )
        for i in branch.intervals:
            r = self.table.rowCount()
            self.table.insertRow(r)
            cells = [
                i.start,
                f"{i.walk_in:.1f}",
                str(i.need),
                str(i.staffed),
                ", ".join(i.staff_here) or "niemand",
                f"{i.share_within_norm:.0%}",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if i.staffed < i.need:
                    item.setBackground(SHORT)
                self.table.setItem(r, c, item)


def add_planning_tab(window: ManagerWindow, tabs: QTabWidget) -> PlanningTab:
    """Add the Planning tab; refreshes when the team leader logs in or picks a branch."""
    tab = PlanningTab(window)
    tabs.addTab(tab, "Planning")
    window.login.logged_in.connect(lambda _p, _c: tab.opened())
    window.branch_box.currentIndexChanged.connect(lambda _i: tab.show_plan())
    return tab
