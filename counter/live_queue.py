"""The live queue of one branch: what staff see at a glance, and a few quick actions.

A thin view over ``loket.services.Loket``: it never touches the database itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.live_feed import EventSource, PolledFeed
from loket.errors import DomainError, Unavailable
from loket.services import Loket
from loket.views import TICKET_STATUS_NL, EventRecord

OVER_NORM = QColor("#fde2e1")


class LiveQueueWindow(QWidget):
    def __init__(
        self,
        loket: Loket,
        branch: str,
        parent: QWidget | None = None,
        feed: EventSource | None = None,
        poll_ms: int = 500,
    ) -> None:
        super().__init__(parent)
        self.loket = loket
        self.branch = branch
        self.setWindowTitle("Loket — live wachtrij")
        self.resize(980, 640)

        self.title = QLabel()
        self.title.setFont(QFont(self.font().family(), 18, QFont.Weight.Bold))
        self.summary = QLabel()
        self.summary.setFont(QFont(self.font().family(), 12))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #1d3557; font-size: 13pt;")

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Nummer", "Dienst", "Status", "Balie", "Wacht"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(90)
        self.table.setStyleSheet("font-size: 13pt;")

        self.service_box = QComboBox()
        for service in loket.services_at(branch):
            if service.walk_in:
                self.service_box.addItem(f"{service.prefix}  {service.name_nl}", service.code)
        issue = QPushButton("Nummer uitgeven")
        issue.clicked.connect(self._issue)
        self.counter_box = QComboBox()
        for number in loket.counter_numbers(branch):
            self.counter_box.addItem(f"Balie {number}", number)
        call = QPushButton("Volgende oproepen")
        call.clicked.connect(self._call_next)

        actions = QHBoxLayout()
        actions.addWidget(self.service_box, 2)
        actions.addWidget(issue)
        actions.addSpacing(24)
        actions.addWidget(self.counter_box)
        actions.addWidget(call)
        # A receptionist may not serve: the call button is hidden rather than refusing.
        if not loket.may("serve"):
            self.counter_box.hide()
            call.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)

        self.refresh()
        self.feed = feed if feed is not None else PolledFeed(loket, poll_ms, parent=self)
        self.feed.events.connect(self._on_events)
        if isinstance(self.feed, PolledFeed):
            # A timer poll: say so and try again on the next tick, never crash.
            self.feed.unavailable.connect(self.message.setText)

    def _on_events(self, records: list[EventRecord]) -> None:
        if records:
            self.refresh()

    def refresh(self) -> None:
        try:
            snap = self.loket.snapshot(self.branch)
        except Unavailable as exc:
            self.message.setText(exc.message)
            return
        self.title.setText(f"{snap.branch_name} — {snap.now:%H:%M}")
        waits = [t.waited_minutes(snap.now) for t in snap.waiting]
        longest = max(waits, default=0)
        self.summary.setText(
            f"{len(snap.waiting)} wachtend · langste wachttijd {longest} min "
            f"(norm {snap.norm_minutes} min)"
        )
        self.table.setRowCount(len(snap.open_tickets))
        for row, t in enumerate(snap.open_tickets):
            waited = t.waited_minutes(snap.now)
            cells = [
                t.number,
                t.service_name,
                TICKET_STATUS_NL.get(t.status, t.status),
                str(t.counter or ""),
                f"{waited} min",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (0, 3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if t.status == "waiting" and waited > snap.norm_minutes:
                    item.setBackground(OVER_NORM)
                self.table.setItem(row, col, item)
        for col in (0, 2, 3, 4):
            self.table.resizeColumnToContents(col)

    def _issue(self) -> None:
        try:
            ticket = self.loket.issue_ticket(self.branch, self.service_box.currentData())
            self.message.setText(f"Nummer {ticket.number} uitgegeven.")
        except (DomainError, Unavailable) as exc:
            self.message.setText(exc.message)
        self.refresh()

    def _call_next(self) -> None:
        counter = self.counter_box.currentData()
        try:
            ticket = self.loket.call_next(self.branch, counter)
            self.message.setText(
                ticket.reason or ticket.number if ticket else "Er wacht niemand voor deze balie."
            )
        except (DomainError, Unavailable) as exc:
            self.message.setText(exc.message)
        self.refresh()
