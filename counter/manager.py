"""The team leader's monitor: the queues against the norm, the counters and the alerts.

An aggression alert from a counter comes first: a red banner over the whole width with
the counter number, at once (the event feed), until the clerk or the team leader
clears it. Device alerts (printer of the kiosk) are amber and stay until someone says
"Gezien". Everything else is for daily steering: waits per service against the norm,
today's share called within the norm, and what each counter is doing. No resident's
name appears here: numbers and counters only.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter.fitted_table import FittedTable
from counter.login import StaffWindow
from counter.manager_planning import add_planning_tab
from counter.manager_reports import ReportsTab
from counter.manager_staff import StaffDialog, add_staff_button
from counter.responsive import Responsive
from counter.style import STYLE, ReservedLabel, button, label
from kiosk.live_feed import EventSource, PolledFeed
from loket.errors import DomainError, Unavailable
from loket.services import Loket
from loket.views import AVAILABILITY_NL as STATUS_NL
from loket.views import (
    ROLE_NL,
    UNUSED_COUNTER,
    BranchMonitor,
    CounterMonitor,
    DeviceAlert,
    EventRecord,
    StaffView,
)

MANAGER_ROLES = frozenset({"manager", "admin"})
OVER_NORM = QColor("#fde2e1")
ALERT_ROW = QColor("#f8c9cc")
PAUSED = QColor("#eef1f4")
COUNTER_STATUS_NL = {**STATUS_NL, "unused": UNUSED_COUNTER}
TICKET_NL = {"called": "opgeroepen", "serving": "aan de balie"}
# Only these event kinds change what the monitor shows; the rest (logins, bookings) not.
RELEVANT = ("ticket.", "alert.", "staff.status")

MANAGER_STYLE = (
    STYLE
    + """
QFrame#alarm { background: #c1121f; border-radius: 6px; }
QFrame#alarm QLabel { color: white; font-size: 22pt; font-weight: bold; }
QFrame#alarm QLabel#alarmAdvice { font-size: 13pt; font-weight: normal; }
QFrame#alarm QPushButton { background: white; color: #c1121f; font-size: 13pt; }
QFrame#devices { background: #fff4d6; border: 1px solid #e9c46a; border-radius: 6px; }
QFrame#devices QPushButton { background: #e7ecf1; color: #1d3557; padding: 5px 10px; }
QFrame#tile { background: white; border: 1px solid #d0d7de; border-radius: 6px; }
QLabel#tileValue { font-size: 28pt; font-weight: bold; color: #1d3557; }
QLabel#tileValueBad { font-size: 28pt; font-weight: bold; color: #b00020; }
QLabel#tileCaption { color: #5b6570; }
QHeaderView::section { color: #1b1f24; }
"""
)


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


class Tile(QFrame):
    """One figure with its caption, red when it misses the norm."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.value = label("–", "tileValue", wrap=False)
        self.caption = label(caption, "tileCaption")
        self.detail = label("", "muted")
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 10, 16, 10)
        box.setSpacing(2)
        box.addWidget(self.caption)
        box.addWidget(self.value)
        box.addWidget(self.detail)

    def show_value(self, text: str, detail: str = "", bad: bool = False) -> None:
        self.value.setText(text)
        self.detail.setText(detail)
        name = "tileValueBad" if bad else "tileValue"
        if self.value.objectName() != name:
            self.value.setObjectName(name)
            self.value.setStyle(self.value.style())  # re-apply the style sheet


class ManagerWindow(StaffWindow):
    staff_dialog: StaffDialog | None = None  # counter/manager_staff.py, while open

    def __init__(
        self,
        loket: Loket,
        branch: str,
        *,
        workstation: str = "teamleider-pc",
        feed: EventSource | None = None,
        card_bridge: Any = None,
        sound: bool = True,
        refresh_ms: int = 20_000,
        poll_ms: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            loket,
            branch,
            workstation=workstation,
            window_title="Loket — monitor teamleider",
            style=MANAGER_STYLE,
            required="monitor",
            login_title="Inloggen als teamleider",
            parent=parent,
        )
        self.sound = sound
        self.state: BranchMonitor | None = None
        self.seen_devices: set[int] = set()  # device alerts acknowledged on this PC
        self._known_alerts: set[int] = set()  # counters already alerted about (sound once)
        self.login.logged_in.connect(lambda person, _c: self.open_for(person))
        self.work = QWidget()
        self._build_work()
        self.stack.addWidget(self.work)

        if card_bridge is not None:
            card_bridge.card_inserted.connect(lambda uid, _atr, _r: self.card_inserted(uid))
        # The feed brings every change; the timer moves the wait times on in a quiet hour.
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(refresh_ms)
        # Without a feed (the demo: one process, no thread to stop at exit) a cheap poll
        # of the event log does the same, as the counter workstation does.
        self.feed = feed if feed is not None else PolledFeed(loket, poll_ms or 0, parent=self)
        self.feed.events.connect(self.on_events)
        if isinstance(self.feed, PolledFeed):
            self.feed.unavailable.connect(self.hint.setText)  # the next tick tries again
        self.follow_connection(self.feed)  # the band across the top, at once (issue 15)

    def connection_back(self) -> None:
        self.refresh()

    # -- layout ---------------------------------------------------------------------------

    def _build_work(self) -> None:
        w = self.work
        header = QFrame(w)
        header.setObjectName("header")
        self.header_title = label("Monitor", "title", wrap=False)
        # The name may be long: it wraps rather than push "Bijgewerkt" and the buttons
        # off a 1366 or 1400 px screen, and is never cut (the screen-fit test checks).
        self.header_who = label("", None, wrap=True)
        self.branch_box = QComboBox()
        for b in self.loket.branches():
            self.branch_box.addItem(b.name, b.code)
        self.branch_box.setCurrentIndex(max(0, self.branch_box.findData(self.branch)))
        self.branch_box.setToolTip("Kies de vestiging [Ctrl+V]")
        self.branch_box.currentIndexChanged.connect(self._branch_chosen)
        # Room for the whole "Bijgewerkt hh:mm:ss" from the start, whatever it shows.
        self.updated = ReservedLabel("Bijgewerkt 00:00:00")
        self.logout_button = button("Uitloggen", "Ctrl+Q", self.log_out, w, "secondary")
        bar = QHBoxLayout()
        bar.addWidget(self.header_title)
        bar.addSpacing(16)
        bar.addWidget(self.branch_box)
        bar.addSpacing(16)
        bar.addWidget(self.header_who, 1)
        bar.addWidget(self.updated)
        side = QHBoxLayout()
        side.addStretch(1)
        add_staff_button(self, side)
        side.addWidget(self.logout_button)
        # One line on a wide screen; the buttons on a second line on a narrow one.
        header_box = QVBoxLayout(header)
        header_box.setContentsMargins(16, 10, 16, 10)
        header_box.addWidget(Responsive([bar, side], stretches=[1, 0], spacing=12))
        QShortcut(QKeySequence("Ctrl+V"), w).activated.connect(self.branch_box.setFocus)

        # The alarm: one row per counter that asked for help, on top of everything.
        self.alarm = QFrame(w)
        self.alarm.setObjectName("alarm")
        alarm_box = QVBoxLayout(self.alarm)
        alarm_box.setContentsMargins(20, 10, 20, 10)
        self.alarm_rows = QVBoxLayout()
        alarm_box.addLayout(self.alarm_rows)
        advice = label(
            "Ga zelf of stuur een collega. De melding verdwijnt als de balie hem intrekt.",
            "alarmAdvice",
        )
        alarm_box.addWidget(advice)
        self.alarm.hide()
        self.alarm_labels: dict[int, QLabel] = {}

        self.devices = QFrame(w)
        self.devices.setObjectName("devices")
        self.device_rows = QVBoxLayout(self.devices)
        self.device_rows.setContentsMargins(14, 8, 14, 8)
        self.devices.hide()

        self.tile_waiting = Tile("Wachtend nu")
        self.tile_longest = Tile("Langste wachttijd nu")
        self.tile_share = Tile("Vandaag op tijd opgeroepen")
        self.tile_called = Tile("Vandaag opgeroepen")
        tiles = QHBoxLayout()
        for t in (self.tile_waiting, self.tile_longest, self.tile_share, self.tile_called):
            tiles.addWidget(t, 1)

        self.service_table = self._table(
            ["Dienst", "Wacht", "Langste", "Te lang", "Geroepen", "Op tijd"]
        )
        self.counter_table = self._table(["Balie", "Status", "Nummer", "Dienst", "Sinds"], 3)
        self.hint = label("", "muted")

        left = QVBoxLayout()
        left.addWidget(label("Wachtrijen per dienst", "welcome"))
        left.addWidget(self.service_table, 1)
        right = QVBoxLayout()
        right.addWidget(label("Balies", "welcome"))
        right.addWidget(self.counter_table, 1)
        # Side by side when both tables fit whole, else one above the other (portrait).
        self.tables = Responsive([left, right], stretches=[4, 3], spacing=24)

        monitor = QWidget()
        body = QVBoxLayout(monitor)
        body.setContentsMargins(16, 12, 16, 12)
        body.setSpacing(10)
        body.addLayout(tiles)
        body.addWidget(self.tables, 1)
        body.addWidget(self.hint)
        # The alarm and device alerts stay above the tabs: seen whichever tab is open.
        alerts = QVBoxLayout()
        alerts.setContentsMargins(16, 8, 16, 0)
        alerts.addWidget(self.alarm)
        alerts.addWidget(self.devices)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(monitor, "Monitor")
        self.reports_tab = ReportsTab(self.loket, lambda: self.services)
        self.tabs.addTab(self.reports_tab, "Rapportages")
        page = QVBoxLayout(w)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(header)
        page.addLayout(alerts)
        page.addWidget(self.tabs, 1)
        self.planning_tab = add_planning_tab(self, self.tabs)

    def _table(self, headers: list[str], names: int = 0) -> FittedTable:
        table = FittedTable(headers, names)  # every column whole, the names wrap
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return table

    # -- login ----------------------------------------------------------------------------

    def open_for(self, person: StaffView) -> None:
        # The services allow "monitor" to reception too (their live queue); this screen
        # with its alarms is the team leader's, as the kiosk's staff menu is.
        if not MANAGER_ROLES & set(person.roles):
            with contextlib.suppress(DomainError, Unavailable):
                self.loket.as_actor(person.actor(self.workstation)).logout("wrong_role")
            self.login.message.setText(
                "Alleen een teamleider of beheerder kan de monitor gebruiken. "
                "Gebruik het receptiescherm voor de wachtrij."
            )
            return
        self.staff = person
        self.services = self.loket.as_actor(person.actor(self.workstation))
        roles = ", ".join(ROLE_NL.get(r, r) for r in person.roles)
        self.header_who.setText(f"{person.name} ({roles})")
        self.stack.setCurrentWidget(self.work)
        self.work.setFocus()
        self.refresh()

    def card_inserted(self, uid: str) -> None:
        if self.services is None:
            self.login.login_with_card(uid)
        elif self.staff_dialog is not None:
            self.staff_dialog.card_read(uid)

    def log_out(self) -> None:
        if self.services is not None:
            with contextlib.suppress(DomainError, Unavailable):
                self.services.logout()
        self.services = None
        self.staff = None
        self.state = None
        self.login.reset()
        self.stack.setCurrentWidget(self.login)

    def _branch_chosen(self, _index: int) -> None:
        self.branch = str(self.branch_box.currentData())
        self._known_alerts.clear()
        self.refresh()

    # -- live -----------------------------------------------------------------------------

    def on_events(self, records: list[EventRecord]) -> None:
        if self.services is not None and any(r["kind"].startswith(RELEVANT) for r in records):
            self.refresh()

    def refresh(self) -> None:
        if self.services is None:
            return
        try:
            state = self.services.monitor(self.branch)
        except (DomainError, Unavailable) as exc:
            self.hint.setText(exc.message)
            return
        self.state = state
        self._show_alarm(state.alerts)
        self._show_devices([a for a in state.device_alerts if a.event_id not in self.seen_devices])
        self._show_tiles(state)
        self._show_services(state)
        self._show_counters(state)
        self.updated.setText(f"Bijgewerkt {state.now:%H:%M:%S}")
        self.hint.setText(
            f"Op tijd: binnen {state.norm_minutes} minuten opgeroepen (de norm); doel "
            f"{round(state.target_share * 100)}% van de bezoekers. Te lang: wacht nu al langer. "
            "Geroepen: vandaag voor het eerst opgeroepen."
        )

    # -- alarm ----------------------------------------------------------------------------

    @property
    def alarm_counters(self) -> list[int]:
        """The counters shown in the red banner now (for tests and screen readers)."""
        return sorted(self.alarm_labels) if self.alarm.isVisible() else []

    def _show_alarm(self, alerts: list[CounterMonitor]) -> None:
        numbers = {a.counter for a in alerts}
        for number in list(self.alarm_labels):
            if number not in numbers:
                row = self.alarm_labels.pop(number).parentWidget()
                if row is not None:
                    self.alarm_rows.removeWidget(row)
                    row.deleteLater()
        new = numbers - self._known_alerts
        for a in alerts:
            if a.counter in self.alarm_labels:
                continue
            row = QWidget(self.alarm)
            text = label(
                f"Hulp nodig bij balie {a.counter}  ·  sinds {a.alert_since:%H:%M}", wrap=False
            )
            text.setAccessibleName(f"Alarm: hulp nodig bij balie {a.counter}")
            done = QPushButton("Afgehandeld", row)
            done.setToolTip("Alleen als de situatie voorbij is; de balie kan het ook zelf.")
            done.clicked.connect(lambda _=False, n=a.counter: self.clear_alert(n))
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(text, 1)
            line.addWidget(done)
            self.alarm_rows.addWidget(row)
            self.alarm_labels[a.counter] = text
        self._known_alerts = numbers
        self.alarm.setVisible(bool(numbers))
        title = "Loket — monitor teamleider"
        if numbers:
            counters = ", ".join(str(n) for n in sorted(numbers))
            title = f"HULP NODIG balie {counters} — {title}"
        self.setWindowTitle(title)
        if new:
            # Unmissable: the taskbar flashes and, when wanted, the PC beeps. The banner
            # itself does not blink: a steady red is easier to read under stress.
            QApplication.alert(self)
            if self.sound:
                QApplication.beep()

    def clear_alert(self, counter: int) -> None:
        if self.services is None:
            return
        try:
            self.services.clear_alert(self.branch, counter)
        except (DomainError, Unavailable) as exc:
            self.hint.setText(exc.message)
        self.refresh()

    def _show_devices(self, alerts: list[DeviceAlert]) -> None:
        while self.device_rows.count():
            item = self.device_rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for a in alerts[-3:]:  # the newest few; older ones of the same device add nothing
            row = QWidget(self.devices)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(label(f"{a.at:%H:%M}  {a.what}  ({a.workstation})", wrap=False), 1)
            seen = QPushButton("Gezien", row)
            seen.clicked.connect(lambda _=False, i=a.event_id: self.acknowledge(i))
            line.addWidget(seen)
            self.device_rows.addWidget(row)
        self.devices.setVisible(bool(alerts))

    def acknowledge(self, event_id: int) -> None:
        self.seen_devices.add(event_id)
        if self.state is not None:
            self._show_devices(
                [a for a in self.state.device_alerts if a.event_id not in self.seen_devices]
            )

    # -- figures --------------------------------------------------------------------------

    def _show_tiles(self, s: BranchMonitor) -> None:
        over = sum(x.over_norm for x in s.services)
        self.tile_waiting.show_value(
            str(s.waiting), f"{over} wacht langer dan {s.norm_minutes} min" if over else ""
        )
        self.tile_longest.show_value(
            f"{s.longest_wait_minutes} min",
            f"norm {s.norm_minutes} min",
            bad=s.longest_wait_minutes > s.norm_minutes,
        )
        share = s.share_within_norm
        self.tile_share.show_value(
            _percent(share),
            f"doel {round(s.target_share * 100)}%",
            bad=share is not None and share < s.target_share,
        )
        self.tile_called.show_value(str(s.called), "bezoekers, eerste oproep")

    def _show_services(self, s: BranchMonitor) -> None:
        table = self.service_table
        # Quiet services without any visitor today are noise on a busy morning.
        rows = [x for x in s.services if x.waiting or x.called]
        table.setRowCount(len(rows))
        for row, x in enumerate(rows):
            late = x.waiting and x.longest_wait_minutes > s.norm_minutes
            cells = [
                f"{x.prefix}  {x.service_name}",
                str(x.waiting),
                f"{x.longest_wait_minutes} min" if x.waiting else "–",
                str(x.over_norm) if x.over_norm else "–",
                str(x.called),
                _percent(x.share_within_norm),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # the full text when a column is narrow
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if late:
                    item.setBackground(OVER_NORM)
                table.setItem(row, col, item)
        table.fit()
        self.tables.arrange(self.tables.width())

    def _show_counters(self, s: BranchMonitor) -> None:
        table = self.counter_table
        table.setRowCount(len(s.counters))
        for row, c in enumerate(s.counters):
            status = COUNTER_STATUS_NL.get(c.status, c.status)
            if c.ticket:
                status = TICKET_NL.get(c.ticket_status or "", "bezig").capitalize()
            if c.alert_since is not None:
                status = "HULP NODIG"
            cells = [
                f"Balie {c.counter}",
                status,
                c.ticket or "",
                c.service_name or "",
                f"{c.since:%H:%M}" if c.since else "",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # the full text when a column is narrow
                if c.alert_since is not None:
                    item.setBackground(ALERT_ROW)
                elif c.status in ("unused", "break", "back_office") and not c.ticket:
                    item.setBackground(PAUSED)
                table.setItem(row, col, item)
        table.fit()
        self.tables.arrange(self.tables.width())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self._timer.stop()
        if isinstance(self.feed, PolledFeed):
            self.feed.stop()
        if self.services is not None:
            self.log_out()
        super().closeEvent(event)
