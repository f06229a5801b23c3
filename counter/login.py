"""Staff login for the counter and reception PCs: staff card or name + PIN.

The role check happens right after login with the same rule the services use
(``loket.staff.require``), so a receptionist at a counter PC gets the clear sentence
"Met uw rol (receptie) mag u niet bezoekers helpen aan de balie." instead of a screen of
buttons that all fail.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter.style import button, label
from loket.errors import DomainError, Unavailable
from loket.services import Loket
from loket.views import StaffView


class LoginPanel(QWidget):
    """Emits ``logged_in(staff, counter)``; ``counter`` is 0 when no counter is chosen."""

    logged_in = Signal(object, int)

    def __init__(
        self,
        loket: Loket,
        branch: str,
        *,
        workstation: str,
        required: str,
        title: str,
        choose_counter: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.loket = loket
        self.branch = branch
        self.workstation = workstation
        self.required = required
        self.base_title = title
        self.card_uid: str | None = None  # set when logged in with a card

        card = QFrame(self)
        card.setObjectName("card")
        card.setFixedWidth(520)
        self.title = label(title, "title")
        self.hint = label(
            "Houd uw medewerkerspas bij de lezer. Of log in met uw naam en pincode.", "muted"
        )
        self.code = QLineEdit()
        self.code.setPlaceholderText("bijvoorbeeld anna")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("4 cijfers")
        self.pin.returnPressed.connect(self.login_with_pin)
        self.counter_box = QComboBox()
        for number in loket.counter_numbers(branch):
            self.counter_box.addItem(f"Balie {number}", number)
        form = QFormLayout()
        form.addRow("Naam", self.code)
        form.addRow("Pincode", self.pin)
        if choose_counter:
            form.addRow("Balie", self.counter_box)
        else:
            self.counter_box.hide()
        self.login_button = button("Inloggen", "Return", self.login_with_pin, self)
        self.message = label("", "error")
        # Room for a refusal of three lines from the start: a wrapped label filled in
        # later would otherwise squeeze the fields above it.
        self.message.setMinimumHeight(3 * self.message.fontMetrics().lineSpacing() + 8)
        for field in (self.code, self.pin, self.counter_box):
            field.setMinimumHeight(field.sizeHint().height())
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(self.title)
        inner.addWidget(self.hint)
        inner.addLayout(form)
        inner.addWidget(self.login_button)
        inner.addWidget(self.message)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    @property
    def counter(self) -> int:
        return int(self.counter_box.currentData() or 0) if self.counter_box.count() else 0

    def choose_counter(self, number: int) -> None:
        index = self.counter_box.findData(number)
        if index >= 0:
            self.counter_box.setCurrentIndex(index)

    def locked(self, text: str) -> None:
        """Show the panel as a lock screen with why it locked."""
        self.title.setText("Scherm vergrendeld")
        self.message.setObjectName("message")
        self.message.setStyleSheet("")
        self.message.setText(text)

    def reset(self) -> None:
        self.title.setText(self.base_title)
        self.message.setText("")
        self.pin.clear()

    def login_with_pin(self) -> None:
        try:
            person = self.loket.login_pin(self.code.text(), self.pin.text())
        except (DomainError, Unavailable) as exc:
            self.pin.clear()
            self.message.setText(exc.message)
            return
        self.card_uid = None
        self._accept(person)

    def login_with_card(self, uid: str) -> None:
        if not uid:
            self.message.setText("Deze pas kan niet worden gelezen. Log in met uw pincode.")
            return
        try:
            person = self.loket.login_card(uid)
        except (DomainError, Unavailable) as exc:
            self.message.setText(exc.message)
            return
        self.card_uid = uid
        self._accept(person)

    def _accept(self, person: StaffView) -> None:
        actor = person.actor(self.workstation)
        try:
            self.loket.as_actor(actor).require(self.required)
        except (DomainError, Unavailable) as exc:
            self.loket.as_actor(actor).logout("wrong_role")
            self.message.setText(f"{exc.message} Log in op een andere pc of vraag de beheerder.")
            self.pin.clear()
            return
        self.pin.clear()
        self.code.clear()
        self.message.setText("")
        self.logged_in.emit(person, self.counter)


OFFLINE_TEXT = (
    "Geen verbinding met de gegevens. Loket probeert het steeds opnieuw; "
    "wat u al heeft gedaan, blijft bewaard."
)


class StaffWindow(QWidget):
    """A staff screen: the login panel first, the work after login, as that person.

    ``services`` is the `Loket` acting for the person who logged in (None while locked;
    ``loket`` is the same with no rights, for the login itself); the subclass adds its
    own pages to ``stack`` and connects ``login.logged_in``.

    ``follow_connection(feed)``: a band across the top of the window (``offline_banner``)
    while the window's event source has lost the database, on the login page too; when
    it is back the band goes and ``connection_back()`` lets the window catch up.
    """

    def __init__(
        self,
        loket: Loket,
        branch: str,
        *,
        workstation: str,
        window_title: str,
        style: str,
        required: str,
        login_title: str,
        choose_counter: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.loket = loket
        self.branch = branch
        self.workstation = workstation
        self.staff: StaffView | None = None
        self.services: Loket | None = None
        self.setWindowTitle(window_title)
        self.setObjectName("page")
        self.setStyleSheet(style)
        self.resize(1280, 800)
        self.stack = QStackedWidget(self)
        self.login = LoginPanel(
            loket,
            branch,
            workstation=workstation,
            required=required,
            title=login_title,
            choose_counter=choose_counter,
        )
        self.stack.addWidget(self.login)
        self.offline_banner = label(OFFLINE_TEXT, "offlineBanner")
        self.offline_banner.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.stack)

    def follow_connection(self, source: QObject) -> None:
        """Show the band while ``source`` (``LiveFeed``/``PolledFeed``) is cut off."""
        source.connection.connect(self._connection_changed)  # type: ignore[attr-defined]

    def _connection_changed(self, healthy: bool) -> None:
        self.offline_banner.setVisible(not healthy)
        if healthy:
            self.connection_back()

    def connection_back(self) -> None:
        """The database answers again: read what changed meanwhile (subclasses)."""
