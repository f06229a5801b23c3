"""The counter workstation: what a clerk uses all day.

Login with the staff card or PIN and a counter; taking the card out locks the screen.
Left: the queues this counter serves against the norm. Right: the visitor, prepared
("voorbereid"): name for a personal welcome, service, notes, what they were asked to
bring, and why this ticket was called. Every action has a key shown on its button.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter.dialogs import CallNumberDialog, FollowUpDialog, ParkDialog, TransferDialog
from counter.login import StaffWindow
from counter.responsive import Responsive
from counter.style import STYLE, button, label
from kiosk.live_feed import EventSource, PolledFeed
from loket.errors import DomainError, Unavailable
from loket.services import Loket
from loket.views import AVAILABILITY_NL as STATUS_NL
from loket.views import (
    OUTCOMES,
    ROLE_NL,
    TICKET_STATUS_NL,
    CounterOverview,
    EventRecord,
    StaffView,
    Visitor,
)

OVER_NORM = QColor("#fde2e1")
OUTCOMES_SHOWN = list(OUTCOMES.items())
STATUS_KEYS = {"available": "Ctrl+1", "break": "Ctrl+2", "back_office": "Ctrl+3"}


class CounterWorkstation(StaffWindow):
    def __init__(
        self,
        loket: Loket,
        branch: str,
        *,
        workstation: str = "balie-pc",
        counter: int | None = None,
        card_bridge: Any = None,
        parent: QWidget | None = None,
        poll_ms: int = 1000,
        feed: EventSource | None = None,
    ) -> None:
        super().__init__(
            loket,
            branch,
            workstation=workstation,
            window_title="Loket — balie",
            style=STYLE,
            required="serve",
            login_title="Inloggen aan de balie",
            choose_counter=True,
            parent=parent,
        )
        self.counter = 0
        self.overview: CounterOverview | None = None
        self.dialog: Any = None
        self.alert_on = False
        self.status = "available"
        if counter:
            self.login.choose_counter(counter)
        self.login.logged_in.connect(self._logged_in)
        self.work = QWidget()
        self._build_work()
        self.stack.addWidget(self.work)

        if card_bridge is not None:
            card_bridge.card_inserted.connect(lambda uid, _atr, _r: self.card_inserted(uid))
            card_bridge.card_removed.connect(lambda _r: self.card_removed())
        self.feed = feed if feed is not None else PolledFeed(loket, poll_ms, parent=self)
        self.feed.events.connect(self._on_events)
        if isinstance(self.feed, PolledFeed):
            self.feed.unavailable.connect(self.message.setText)  # the next tick tries again
        # Lost and found again: said at once (the band across the top), not only when
        # the clerk next clicks.
        self.follow_connection(self.feed)

    def connection_back(self) -> None:
        self.message.setText("De verbinding is terug.")
        self.refresh()

    # -- layout -------------------------------------------------------------------------

    def _build_work(self) -> None:
        w = self.work
        header = QFrame(w)
        header.setObjectName("header")
        self.header_title = label("", "title", wrap=False)
        self.header_who = label("", None, wrap=False)
        self.status_box = QComboBox()
        for code, text in STATUS_NL.items():
            self.status_box.addItem(f"{text}  [{STATUS_KEYS[code]}]", code)
        self.status_box.activated.connect(
            lambda _i: self.set_status(str(self.status_box.currentData()))
        )
        # Shortcuts only; the combo box shows the keys and the state.
        for code, key in STATUS_KEYS.items():
            QShortcut(QKeySequence(key), w).activated.connect(
                lambda code=code: self.set_status(code)
            )
        self.lock_button = button(
            "Vergrendelen",
            "Ctrl+L",
            lambda: self.lock("Het scherm is vergrendeld. Log opnieuw in om verder te gaan."),
            w,
            "secondary",
        )
        # A word a visitor at the desk need not fear ("Collega", not "alarm"), on a
        # button that stands out for the clerk who needs it.
        self.alert_button = button("Collega", "F12", self.toggle_alert, w, "alert")
        self.alert_button.setToolTip("Hulp nodig? De teamleider ziet het meteen.")
        bar = QHBoxLayout(header)
        bar.setContentsMargins(16, 10, 16, 10)
        bar.addWidget(self.header_title)
        bar.addSpacing(20)
        bar.addWidget(self.header_who, 1)
        bar.addWidget(self.status_box)
        bar.addWidget(self.lock_button)
        bar.addWidget(self.alert_button)

        # Left: my queues.
        self.summary = label("", "welcome")
        self.queue_table = QTableWidget(0, 4)
        self.queue_table.setHorizontalHeaderLabels(["Dienst", "Wacht", "Langste", "Afspr."])
        self.queue_table.verticalHeader().setVisible(False)
        self.queue_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.queue_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The numbers keep their width; the service name takes the rest.
        head = self.queue_table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.queue_hint = label("", "muted")
        self.parked = label("", "muted")
        self.queue_table.setMinimumWidth(400)
        # A long service name wraps in its cell instead of ending in "…".
        self.queue_table.setWordWrap(True)
        self.queue_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        head.sectionResized.connect(lambda *_: self.queue_table.resizeRowsToContents())
        left = QVBoxLayout()
        left.addWidget(label("Mijn wachtrijen", "title"))
        left.addWidget(self.summary)
        left.addWidget(self.queue_table, 1)
        left.addWidget(self.queue_hint)
        left.addWidget(self.parked)

        # Right: the visitor.
        card = QFrame(w)
        card.setObjectName("card")
        self.number = label("", "bigNumber", wrap=False)
        self.ticket_state = label("", "muted")
        self.badge = label("Heeft hulp nodig", "badge", wrap=False)
        self.welcome = label("", "welcome")
        self.service = label("")
        self.reason = label("", "reason")
        self.bring = label("")
        self.notes = label("", "note")
        self.colleague = label("", "note")
        top = QHBoxLayout()
        top.addWidget(self.number)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        top.addStretch(1)
        top.addWidget(self.ticket_state, 0, Qt.AlignmentFlag.AlignTop)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(20, 16, 20, 16)
        inner.addLayout(top)
        for part in (
            self.welcome,
            self.service,
            self.reason,
            self.bring,
            self.notes,
            self.colleague,
        ):
            inner.addWidget(part)
        inner.addStretch(1)

        self.next_button = button("Volgende oproepen", "F2", self.call_next, w)
        self.recall_button = button("Opnieuw oproepen", "F3", self.recall, w, "secondary")
        self.start_button = button("Beginnen", "F4", self.start, w)
        self.outcome_box = QComboBox()
        for code, text in OUTCOMES_SHOWN:
            self.outcome_box.addItem(text, code)
        self.finish_button = button("Afronden", "F5", self.finish, w)
        self.no_show_button = button("Niet gekomen", "F6", self.no_show, w, "secondary")
        self.park_button = button("Apart zetten", "F7", self.open_park, w, "secondary")
        self.transfer_button = button("Doorsturen", "F8", self.open_transfer, w, "secondary")
        self.call_number_button = button(
            "Nummer oproepen", "F9", self.open_call_number, w, "secondary"
        )
        self.follow_up_button = button(
            "Vervolgafspraak", "Ctrl+B", self.open_follow_up, w, "secondary"
        )
        # Three columns: the counter fits a 1366 px laptop screen.
        grid = QGridLayout()
        grid.addWidget(self.next_button, 0, 0)
        grid.addWidget(self.recall_button, 0, 1)
        grid.addWidget(self.no_show_button, 0, 2)
        grid.addWidget(self.start_button, 1, 0)
        grid.addWidget(self.outcome_box, 1, 1)
        grid.addWidget(self.finish_button, 1, 2)
        grid.addWidget(self.park_button, 2, 0)
        grid.addWidget(self.transfer_button, 2, 1)
        grid.addWidget(self.call_number_button, 2, 2)
        grid.addWidget(self.follow_up_button, 3, 0)
        self.message = label("", "message")
        self.no_show_rule = label("", "muted")
        self.no_show_rule.hide()
        right = QVBoxLayout()
        right.addWidget(card, 1)
        right.addLayout(grid)
        right.addWidget(self.no_show_rule)
        right.addWidget(self.message)

        # Queues beside the visitor on a landscape screen; above it on a narrow one.
        self.body = Responsive([left, right], stretches=[2, 3], margins=(16, 12, 16, 12))
        # Clear feedback while help is asked for: a band under the header, not a line.
        self.alert_banner = label(
            "U heeft om hulp gevraagd. De teamleider weet het; er komt iemand naar u toe. "
            "Druk op F12 om de vraag in te trekken.",
            "alertBanner",
        )
        self.alert_banner.hide()
        page = QVBoxLayout(w)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(header)
        page.addWidget(self.alert_banner)
        page.addWidget(self.body, 1)

    # -- login and lock --------------------------------------------------------------------

    def _logged_in(self, person: StaffView, counter: int) -> None:
        self.staff = person
        self.counter = counter
        self.services = self.loket.as_actor(person.actor(self.workstation))
        roles = ", ".join(ROLE_NL.get(r, r) for r in person.roles)
        self.header_title.setText(f"Balie {counter}")
        self.header_who.setText(f"{person.name} ({roles})")
        self.message.setText(f"Welkom, {person.name}. U werkt aan balie {counter}.")
        self.login.reset()
        # Tells the team leader's monitor this counter is staffed from now on.
        try:
            self.services.set_counter_status(self.branch, counter, "available")
            self.status = "available"
        except (DomainError, Unavailable) as exc:
            self.message.setText(exc.message)
        self.stack.setCurrentWidget(self.work)
        # The PIN field that had the focus is gone: give it to the page, so the F-keys
        # work at once without a mouse click.
        self.work.setFocus()
        self.refresh()

    def card_inserted(self, uid: str) -> None:
        if self.services is None:
            self.login.login_with_card(uid)

    def card_removed(self) -> None:
        if self.services is not None and self.login.card_uid is not None:
            self.lock(
                "U heeft uw pas uit de lezer gehaald. Steek uw pas weer in of log in "
                "met uw pincode.",
                reason="card_removed",
            )

    def lock(self, text: str, reason: str = "logout") -> None:
        """Log out and show the lock screen; the visitor at the counter stays there."""
        if self.services is not None:
            with contextlib.suppress(DomainError, Unavailable):  # locking must never fail
                self.services.logout(reason)
        self.services = None
        self.staff = None
        if self.dialog is not None:
            self.dialog.reject()
        self.login.choose_counter(self.counter)
        self.login.locked(text)
        self.stack.setCurrentWidget(self.login)

    # -- refresh --------------------------------------------------------------------------

    def _on_events(self, records: list[EventRecord]) -> None:
        if self.services is not None and records:
            self.refresh()

    def refresh(self) -> None:
        if self.services is None:
            return
        try:
            o = self.services.counter_overview(self.branch, self.counter)
        except (DomainError, Unavailable) as exc:
            self.message.setText(exc.message)
            return
        self.overview = o
        over = o.longest_wait_minutes > o.norm_minutes
        self.summary.setText(f"{o.waiting} wachtend · langste {o.longest_wait_minutes} min")
        self.summary.setStyleSheet("color: #b00020;" if over else "")
        self.queue_hint.setText(
            f"Norm: binnen {o.norm_minutes} minuten geholpen. Rood: "
            "langer dan de norm. Afspr.: afspraken in het komende uur."
        )
        self.queue_table.setRowCount(len(o.queues))
        for row, q in enumerate(o.queues):
            cells = [
                f"{q.prefix}  {q.service_name}",
                str(q.waiting),
                f"{q.longest_wait_minutes} min" if q.waiting else "–",
                str(q.appointments_due),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if q.waiting and q.longest_wait_minutes > o.norm_minutes:
                    item.setBackground(OVER_NORM)
                self.queue_table.setItem(row, col, item)
        for col in (1, 2, 3):
            self.queue_table.resizeColumnToContents(col)
        self.queue_table.resizeRowsToContents()
        self.parked.setText(
            "Apart gezet: "
            + ", ".join(t.number for t in o.parked)
            + ". Roep terug met Nummer oproepen [F9]."
            if o.parked
            else ""
        )
        self._show_visitor(o.current)

    def _show_visitor(self, v: Visitor | None) -> None:
        t = v.ticket if v else None
        status = t.status if t else None
        paused = self.status != "available"
        self.next_button.setEnabled(t is None and not paused)
        self.recall_button.setEnabled(status == "called")
        self.start_button.setEnabled(status == "called")
        # "Niet gekomen" only after the rule's calls, and the rule is on screen before.
        calls_needed = self.overview.max_calls if self.overview else 3
        called = t.call_count if t is not None else 0
        self.no_show_button.setEnabled(status == "called" and called >= calls_needed)
        self.no_show_rule.setVisible(status == "called")
        self.no_show_rule.setText(
            f"Niet gekomen kan na {calls_needed} keer oproepen. "
            + (
                f"Nog {calls_needed - called} keer: Opnieuw oproepen [F3]."
                if called < calls_needed
                else "Dat is gebeurd."
            )
        )
        self.finish_button.setEnabled(status == "serving")
        self.outcome_box.setEnabled(status == "serving")
        self.park_button.setEnabled(t is not None)
        self.transfer_button.setEnabled(t is not None)
        self.call_number_button.setEnabled(t is None and not paused)
        self.badge.setVisible(bool(v and v.needs_assistance))
        if v is None or t is None:
            self.number.setText("–")
            self.ticket_state.setText("")
            self.welcome.setText(
                "U staat op " + STATUS_NL[self.status].lower() + "."
                if paused
                else "Niemand aan de balie."
            )
            self.service.setText(
                "" if paused else "Druk op F2 om de volgende bezoeker op te roepen."
            )
            for part in (self.reason, self.bring, self.notes, self.colleague):
                part.hide()
            return
        calls = f" · {t.call_count}×" if status == "called" else ""
        self.number.setText(t.number)
        self.ticket_state.setText(TICKET_STATUS_NL.get(t.status, t.status) + calls)
        if v.name:
            how = "wil bij naam worden geroepen" if v.call_by_name else "geroepen met nummer"
            self.welcome.setText(f"{v.name}  ·  afspraak {v.appointment_at:%H:%M}  ({how})")
        else:
            self.welcome.setText("Bezoeker zonder afspraak")
        self.service.setText(f"<b>{v.service_name}</b>")
        self.reason.setText(f"Waarom dit nummer: {t.reason}" if t.reason else "")
        self.reason.setVisible(bool(t.reason))
        # The service text already starts with "Neem mee:"; say it once.
        bring = v.bring.removeprefix("Neem mee:").strip() if v.bring else ""
        self.bring.setText(f"<b>Gevraagd mee te nemen:</b> {bring}" if bring else "")
        self.bring.setVisible(bool(v.bring))
        self.notes.setText(f"Notitie bij de afspraak: {v.notes}" if v.notes else "")
        self.notes.setVisible(bool(v.notes))
        self.colleague.setText(f"Van uw collega: {v.transfer_note}" if v.transfer_note else "")
        self.colleague.setVisible(bool(v.transfer_note))

    # -- actions --------------------------------------------------------------------------

    @property
    def current_number(self) -> str | None:
        o = self.overview
        return o.current.ticket.number if o and o.current else None

    def _act(self, action: Callable[[Loket], Any], done: Callable[[Any], str]) -> Any:
        if self.services is None:
            return None
        try:
            result = action(self.services)
        except (DomainError, Unavailable) as exc:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(exc.message)
            self.refresh()
            return None
        self.message.setStyleSheet("")
        self.message.setText(done(result))
        self.refresh()
        return result

    def call_next(self) -> None:
        result = self._act(
            lambda s: s.call_next_or_why(self.branch, self.counter),
            lambda r: f"{r[0].number} is opgeroepen." if r[0] else r[1],
        )
        ticket = result[0] if result else None
        if ticket is not None and self.overview and self.overview.current:
            # Keep the "why" of the choice on screen while the visitor walks up.
            self._show_visitor(Visitor(**{**self.overview.current.__dict__, "ticket": ticket}))

    def recall(self) -> None:
        number = self.current_number
        if number:
            self._act(
                lambda s: s.recall(self.branch, number),
                lambda t: f"{t.number} is opnieuw opgeroepen ({t.call_count}×).",
            )

    def start(self) -> None:
        number = self.current_number
        if number:
            self._act(lambda s: s.start(self.branch, number), lambda t: f"U helpt nu {t.number}.")

    def finish(self) -> None:
        number = self.current_number
        outcome = str(self.outcome_box.currentData())
        if number:
            self._act(
                lambda s: s.finish(self.branch, number, outcome),
                lambda t: f"{t.number} is afgerond.",
            )
            self.outcome_box.setCurrentIndex(0)

    def no_show(self) -> None:
        number = self.current_number
        if number:
            self._act(
                lambda s: s.no_show(self.branch, number), lambda t: f"{t.number} is niet gekomen."
            )

    def call_number(self, number: str, reason: str) -> None:
        self._act(
            lambda s: s.call_ticket(self.branch, self.counter, number, reason),
            lambda t: f"{t.number} is opgeroepen. Reden: {t.reason}",
        )

    def set_status(self, status: str) -> None:
        if (
            self._act(
                lambda s: s.set_counter_status(self.branch, self.counter, status),
                lambda st: f"Uw status is nu: {STATUS_NL[st].lower()}.",
            )
            is not None
        ):
            self.status = status
            self.status_box.setCurrentIndex(self.status_box.findData(status))
            self.refresh()

    def toggle_alert(self) -> None:
        if self.services is None:
            return
        if self.alert_on:
            self._act(
                lambda s: s.clear_alert(self.branch, self.counter),
                lambda _r: "Melding ingetrokken.",
            )
            self.alert_on = False
            self.alert_button.setObjectName("alert")
            self.alert_button.setText("Collega  [F12]")
            self.alert_banner.hide()
        else:
            self._act(
                lambda s: s.raise_counter_alert(self.branch, self.counter),
                lambda _r: "De teamleider is gewaarschuwd. Er komt iemand naar u toe.",
            )
            self.alert_on = True
            self.alert_button.setObjectName("alertOn")
            self.alert_button.setText("Collega komt  [F12 = intrekken]")
            self.alert_banner.show()
        # Re-apply the style sheet for the new name, and make room for the new text.
        self.alert_button.style().unpolish(self.alert_button)
        self.alert_button.style().polish(self.alert_button)
        self.alert_button.updateGeometry()

    # -- dialogs --------------------------------------------------------------------------

    def _open(self, dialog: Any, on_accept: Callable[[], None]) -> Any:
        self.dialog = dialog

        def accepted() -> None:
            self.dialog = None
            on_accept()

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(lambda: setattr(self, "dialog", None))
        dialog.setStyleSheet(STYLE)
        dialog.open()
        return dialog

    def open_park(self) -> Any:
        number = self.current_number
        if number is None:
            return None
        d = ParkDialog(number, self)
        return self._open(
            d,
            lambda: self._act(
                lambda s: s.park(self.branch, number, d.note.text()),
                lambda t: f"{t.number} staat apart. Roep terug met F9.",
            ),
        )

    def open_transfer(self) -> Any:
        o = self.overview
        if o is None or o.current is None:
            return None
        t = o.current.ticket
        d = TransferDialog(self.loket, self.branch, t.number, t.service, self.counter, self)
        return self._open(
            d,
            lambda: self._act(
                lambda s: s.transfer(
                    self.branch,
                    t.number,
                    service=d.service_box.currentData(),
                    counter=d.counter_box.currentData(),
                    note=d.note.text(),
                ),
                lambda x: (
                    f"{x.number} is doorgestuurd naar "
                    + (
                        d.counter_box.currentText().lower()
                        if d.counter_box.currentData()
                        else x.service_name
                    )
                    + "."
                ),
            ),
        )

    def open_call_number(self) -> Any:
        d = CallNumberDialog(self)
        return self._open(d, lambda: self.call_number(d.number.text(), d.reason_code))

    def open_follow_up(self) -> Any:
        if self.services is None:
            return None
        v = self.overview.current if self.overview else None
        d = FollowUpDialog(
            self.services,
            self.branch,
            v.ticket.service if v else "",
            v.name if v else None,
            v.phone if v else None,
            v.email if v else None,
            self,
            call_by_name=bool(v and v.call_by_name),
        )
        reference = v.reference if v else None

        def book() -> None:
            start = d.picker.selected()
            assert start is not None
            self._act(
                lambda s: s.book_follow_up(
                    self.branch,
                    d.picker.service,
                    start,
                    name=d.name.text(),
                    phone=d.phone.text(),
                    email=d.email.text(),
                    notes=d.notes.text(),
                    call_by_name=d.call_by_name.isChecked(),
                    channel="counter",
                    follow_up_of=reference,
                ),
                lambda a: (
                    f"Vervolgafspraak gemaakt: {a.start:%d-%m %H:%M}, "
                    f"code voor het aanmeldscherm bij de ingang: {a.short_code}."
                ),
            )

        return self._open(d, book)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self.services is not None:
            self.lock("Afgesloten.")
        if isinstance(self.feed, PolledFeed):
            self.feed.stop()
        super().closeEvent(event)


def compose_counter(
    loket: Loket,
    branch: str,
    *,
    workstation: str,
    counter: int | None = None,
    fake_reader: bool = False,
) -> CounterWorkstation:
    """The workstation with its card reader: PC/SC (pyscard) on a real PC, the fake in the
    demo. The monitor thread delivers to the bridge; Qt queues it to the GUI thread."""
    from hardware.card_reader import FakeCardReader, PcscCardMonitor
    from hardware.qt_bridge import CardEventBridge

    bridge = CardEventBridge()
    window = CounterWorkstation(
        loket, branch, workstation=workstation, counter=counter, card_bridge=bridge
    )
    bridge.setParent(window)
    reader: Any = FakeCardReader(bridge.deliver) if fake_reader else PcscCardMonitor(bridge.deliver)
    bridge.service_changed.connect(
        lambda ok, text: None if ok else window.login.message.setText(text)
    )
    reader.start()
    window.card_reader = reader  # type: ignore[attr-defined]
    window.destroyed.connect(lambda *_: reader.stop())
    return window
