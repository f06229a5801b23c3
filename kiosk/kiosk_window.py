"""The touch kiosk at the entrance: check in, take a number, rate your visit.

One window, locked down (no window chrome; only a manager or admin closes it), Dutch by
default with a language button on every screen. It talks to the core only through
``loket.services.Loket``, acting as the kiosk role. When the database cannot be reached
it shows "Even geduld" and tries again by itself; when the printer fails the number stays
on screen and staff are alerted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hardware.printer import TicketPrinter
from hardware.ticket import TicketPrint
from kiosk.connection_watch import ConnectionWatch
from kiosk.i18n import DEFAULT_LANGUAGE, Translations, direction, own_name
from kiosk.messages import refusal
from kiosk.printing import PrintOutcome, TicketOutput, read_ticket_payload, ticket_print
from kiosk.screens.checkin import CheckInScreen
from kiosk.screens.common import Screen, button, label
from kiosk.screens.feedback import FeedbackNumberScreen, FeedbackRatingScreen, ThanksScreen
from kiosk.screens.language import LanguageScreen
from kiosk.screens.message import MessageScreen
from kiosk.screens.start import StartScreen
from kiosk.screens.system import BusyScreen, StaffLoginScreen, StaffMenuScreen
from kiosk.screens.ticket import TicketScreen
from kiosk.screens.walk_in import WalkInScreen
from kiosk.settings import KioskSettings
from kiosk.theme import KIOSK_PALETTES, kiosk_stylesheet, pictogram
from loket import errors
from loket.errors import DomainError, Unavailable
from loket.services import Loket
from loket.views import TicketView

log = logging.getLogger(__name__)
T = TypeVar("T")
EXIT_ROLES = frozenset({"manager", "admin"})
# Anything that means "the database is not there" rather than "the request is wrong".
# Database trouble, as the core reports it (no SQLAlchemy in the UI).
UNAVAILABLE: tuple[type[Exception], ...] = (Unavailable, OSError)
USER_INPUT = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


class BusyShown(Exception):
    """The database could not be reached; the busy screen is already showing."""


class KioskWindow(QWidget):
    def __init__(
        self,
        loket: Loket,
        settings: KioskSettings,
        *,
        printer: TicketPrinter | None = None,
        scanner: QObject | None = None,
        card_events: QObject | None = None,
        translations: Translations | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.branch = settings.branch
        self.loket = loket.as_device(settings.workstation, "kiosk")
        self.translations = translations or Translations()
        self.high_contrast = settings.high_contrast
        self.output = TicketOutput(printer, self)
        self.output.done.connect(self._printed)
        self._printer_alerted = False
        self._may_close = not settings.locked
        self.branch_name = ""
        self.wait_areas: dict[str, str] = {}
        self.municipality = ""
        self.setObjectName("kioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle("Loket — kiosk")

        self.header = QWidget()
        self.header.setObjectName("header")
        self.header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        # Never squeezed on a low screen (the buttons' letters would be cut off).
        self.header.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # On a narrow (portrait) screen the place name may take two lines: the buttons
        # beside it are longer in some languages ("Високий контраст", "Українська").
        self.place = label("header", wrap=settings.screen_width_px < 1200)
        self.place.installEventFilter(self)
        self.contrast_button = button("header", min_height=settings.touch_px)
        self.contrast_button.setCheckable(True)
        self.contrast_button.clicked.connect(self.set_high_contrast)
        self.language_button = button(
            "header", min_height=settings.touch_px, min_width=settings.touch_px * 4
        )
        self.language_button.clicked.connect(self._open_languages)
        bar = QHBoxLayout(self.header)
        bar.setContentsMargins(40, 10, 24, 10)
        bar.setSpacing(20)
        bar.addWidget(self.place, 1)
        bar.addWidget(self.contrast_button)
        bar.addWidget(self.language_button)

        self.stack = QStackedWidget()
        self.start = StartScreen(self)
        self.checkin = CheckInScreen(self)
        self.walk_in = WalkInScreen(self)
        self.ticket = TicketScreen(self)
        self.message = MessageScreen(self)
        self.feedback_number = FeedbackNumberScreen(self)
        self.feedback_rating = FeedbackRatingScreen(self)
        self.thanks = ThanksScreen(self)
        self.choose_language = LanguageScreen(self)
        self.languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
        self._before_language = "start"
        self.busy = BusyScreen(self)
        self.staff = StaffLoginScreen(self)
        self.staff_menu = StaffMenuScreen(self)
        self.screens: dict[str, Screen] = {}
        for screen in (
            self.start,
            self.checkin,
            self.walk_in,
            self.ticket,
            self.message,
            self.feedback_number,
            self.feedback_rating,
            self.thanks,
            self.choose_language,
            self.busy,
            self.staff,
            self.staff_menu,
        ):
            self.screens[screen.name] = screen
            self.stack.addWidget(screen)
        self.checkin.submitted.connect(lambda code: self.check_in(code, typed=True))
        self.walk_in.chosen.connect(self.take_number)
        self.ticket.print_chosen.connect(self._print_chosen)
        self.feedback_number.submitted.connect(self.rate_ticket)
        self.feedback_rating.submitted.connect(self.send_feedback)
        self.staff.submitted.connect(self.staff_pin)
        self.staff_menu.close_kiosk.connect(self.unlock_and_close)
        self.choose_language.chosen.connect(self._chose_language)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(settings.idle_seconds * 1000)
        self.idle.timeout.connect(self._idle_timeout)
        self.staff_press = QTimer(self)
        self.staff_press.setSingleShot(True)
        self.staff_press.setInterval(settings.staff_press_ms)
        self.staff_press.timeout.connect(lambda: self.go("staff"))
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(settings.thanks_seconds * 1000)
        self.thanks_timer.timeout.connect(self._thanks_done)
        # Between visitors the kiosk notices a lost database itself, and on "Even geduld"
        # when it is back (kiosk.connection_watch; the probe runs beside the screen).
        self.watch = ConnectionWatch(
            self.loket.last_event_id,
            lambda: self.current == "start",
            waiting=lambda: self.current == "busy",
            parent=self,
        )
        self.watch.lost.connect(self._show_busy)
        self.watch.back.connect(self._probe)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # any touch anywhere keeps the visit alive
        if scanner is not None:
            scanner.scanned.connect(self.handle_scan)  # type: ignore[attr-defined]
        if card_events is not None:
            card_events.card_inserted.connect(self._card)  # type: ignore[attr-defined]

        self._apply_style()
        self.resize(settings.screen_width_px, settings.screen_height_px)
        self._probe()

    # -- what screens ask of the window (kiosk.screens.common.Host) -----------------------

    @property
    def language(self) -> str:
        return self.translations.language

    @property
    def colours(self) -> dict[str, str]:
        return KIOSK_PALETTES["contrast" if self.high_contrast else "normal"]

    @property
    def icon_colour(self) -> str:
        return self.colours["icon"]

    @property
    def current(self) -> str:
        widget = self.stack.currentWidget()
        return widget.name if isinstance(widget, Screen) else ""

    def go(self, name: str) -> None:
        if name == "start":
            self.reset_visit()
        elif name == "services":
            try:
                status = self._call(self.loket.branch_status, self.branch)
                services = self._call(self.loket.services_at, self.branch)
            except BusyShown:
                return
            self.walk_in.show_offer(status, services, self.loket.now())
        elif name == "feedback_number":
            try:
                services = self._call(self.loket.services_at, self.branch)
            except BusyShown:
                return
            self.feedback_number.set_prefixes("".join(s.prefix for s in services))
        screen = self.screens[name]
        screen.entered()
        self.stack.setCurrentWidget(screen)
        self.idle.start()

    # -- look and language ------------------------------------------------------------------

    def _apply_style(self) -> None:
        self.setStyleSheet(kiosk_stylesheet("contrast" if self.high_contrast else "normal"))
        self.retranslate()

    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = bool(on)
        self._apply_style()

    def set_language(self, language: str) -> None:
        self.translations.set_language(language)
        # Arabic mirrors the layout; numbers and codes stay left to right in their labels.
        self.setLayoutDirection(direction(language))
        self.retranslate()

    def _open_languages(self) -> None:
        if self.current not in ("language", "busy", "staff", "staff_menu"):
            self._before_language = self.current
        self.go("language")

    def _chose_language(self, language: str) -> None:
        """Back to where the visitor was, now in their language (the visit goes on)."""
        self.set_language(language)
        screen = self.screens.get(self._before_language, self.start)
        self.stack.setCurrentWidget(screen)
        self.idle.start()

    def retranslate(self) -> None:
        self.contrast_button.setChecked(self.high_contrast)
        self.contrast_button.setText(self.tr("Hoog contrast"))
        # The language of the moment in its own words; the chooser lists them all.
        self.language_button.setText(own_name(self.language))
        self.language_button.setIcon(QIcon(pictogram("language", 64, self.icon_colour)))
        self.language_button.setIconSize(QSize(32, 32))
        self.language_button.setAccessibleName(self.tr("Kies uw taal") + " / Language")
        self.language_button.setVisible(len(self.languages) > 1)
        self.place.setText(self.branch_name)
        for screen in self.screens.values():
            screen.retranslate()

    def reset_visit(self) -> None:
        """Forget everything of the previous visitor: texts, choices, language, contrast."""
        self.thanks_timer.stop()
        for screen in self.screens.values():
            screen.reset()
        if self.language != DEFAULT_LANGUAGE:
            self.translations.set_language(DEFAULT_LANGUAGE)
            self.setLayoutDirection(direction(DEFAULT_LANGUAGE))
        self.high_contrast = self.settings.high_contrast
        self._apply_style()

    # -- the database -----------------------------------------------------------------------

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.watch.settle()  # one connection: after the watch's probe, not beside it
        try:
            return fn(*args, **kwargs)
        except (DomainError, errors.CodeError):
            raise
        except UNAVAILABLE as exc:
            log.warning("database unreachable: %s", type(exc).__name__)
            self._show_busy()
            raise BusyShown from exc

    def _show_busy(self) -> None:
        self.reset_visit()
        self.stack.setCurrentWidget(self.busy)  # the watch says when the database is back

    def _probe(self) -> None:
        """Read what the start screen needs; succeeds once the database is back."""
        try:
            branch = next(b for b in self.loket.branches() if b.code == self.branch)
            self.municipality = self.loket.municipality_name()
            self.languages = self.loket.languages()
        except StopIteration:
            raise DomainError(f"Vestiging '{self.branch}' bestaat niet.") from None
        except UNAVAILABLE as exc:
            log.warning("database still unreachable: %s", type(exc).__name__)
            self._show_busy()
            return
        self.branch_name, self.wait_areas = branch.name, branch.wait_areas
        self.choose_language.set_languages(self.languages)
        self.go("start")

    # -- check in ------------------------------------------------------------------------------

    def handle_scan(self, text: str) -> None:
        """A scanned code: an appointment QR checks in, a ticket QR opens the rating."""
        if self.current in ("busy", "staff", "staff_menu"):
            return
        self.idle.start()
        ticket = read_ticket_payload(text)
        if ticket is not None:
            branch, number = ticket
            if branch != self.branch:
                self._message(
                    lambda: (
                        self.tr("Dit bonnetje is van een andere plek"),
                        self.tr(
                            "U kunt hier alleen een cijfer geven voor een bezoek aan deze plek."
                        ),
                    )
                )
                return
            self.rate_ticket(number)
            return
        self.check_in(text)

    def check_in(self, code: str, *, typed: bool = False) -> None:
        """``typed``: the code came from the keypad (not the scanner), so a code that does
        not fit is a typing slip, not a misread."""
        try:
            ticket, _message = self._call(self.loket.check_in, code, self.branch)
        except BusyShown:
            return
        except errors.CodeError as exc:
            self._code_error(exc, typed=typed)
            return
        except DomainError as exc:
            self._domain_error(exc, "checkin")
            return
        self._show_ticket(ticket, checked_in=True)

    def _code_error(self, exc: errors.CodeError, *, typed: bool = False) -> None:
        # A typed code that does not read is a typo, not a bad scan.
        code = "code_typo" if typed and exc.code == "code_unreadable" else exc.code
        again = ("code_unreadable", "code_typo", "code_invalid", "code_attempts")
        retry = "checkin" if code in again else None
        offer = self._number_for(exc.service) if code == "code_expired" else None
        # Worded again after a language switch (kiosk.messages): the specific title stays.
        self.message.show_message(lambda: refusal(code, exc.params, self.language), retry, offer)
        self.go("message")

    def _number_for(self, service: str) -> Callable[[], None]:
        """The next step "Nummer nemen": a number for the appointment's service, or the
        choice of services when it is not known."""
        return (
            (lambda: self.take_number(service, False)) if service else (lambda: self.go("services"))
        )

    def _domain_error(self, exc: DomainError, retry: str | None = None) -> None:
        service = getattr(exc, "service", "")
        offer = exc.code in ("expired", "too_early") and isinstance(service, str)
        # Worded from the code and params in the visitor's language (kiosk.messages).
        self.message.show_message(
            lambda: refusal(exc.code, exc.params, self.language),
            retry if exc.code in ("not_found",) else None,
            self._number_for(service) if offer else None,
        )
        self.go("message")

    def _message(self, words: Callable[[], tuple[str, str]], retry: str | None = None) -> None:
        self.message.show_message(words, retry)
        self.go("message")

    # -- walk-in ---------------------------------------------------------------------------------

    def take_number(self, service: str, needs_assistance: bool) -> None:
        try:
            ticket = self._call(
                self.loket.issue_ticket, self.branch, service, needs_assistance=needs_assistance
            )
        except BusyShown:
            return
        except DomainError as exc:
            self._domain_error(exc)
            return
        self._show_ticket(ticket, checked_in=False)

    # -- the ticket and the printer -------------------------------------------------------------

    def _show_ticket(self, ticket: TicketView, *, checked_in: bool) -> None:
        # The choice only where there is a printer to choose.
        choose = self.settings.offer_screen_only and self.output.printer is not None
        self.ticket.show_ticket(
            ticket,
            checked_in=checked_in,
            wait_areas=self.wait_areas,
            choose=choose,
        )
        self.go("ticket")
        if not choose:
            self.output.print_ticket(self._ticket_print(ticket))
        if self.language != DEFAULT_LANGUAGE:
            try:  # the spoken call in the visitor's language (loket.ticket_language)
                self.loket.record_language(self.branch, ticket.number, self.language)
            except (DomainError, Unavailable, OSError):
                log.exception("could not record the visitor's language")

    def _print_chosen(self, printed: bool) -> None:
        """The visitor chose: a printed ticket, or the number on the screen only (nothing
        printed; ``Ticket.printed`` stays false, so the reports count it)."""
        shown = self.ticket.ticket
        if shown is None:
            return
        self.ticket.set_print_state(None if printed else "screen_only")
        if printed:
            self.output.print_ticket(self._ticket_print(shown))

    def _ticket_print(self, t: TicketView) -> TicketPrint:
        return ticket_print(
            t,
            self.language,
            municipality=self.municipality,
            wait_area=self.ticket.place(self.language),
            branch=self.branch,
        )

    def _printed(self, outcome: PrintOutcome) -> None:
        shown = self.ticket.ticket
        if shown is not None and shown.number == outcome.number:
            self.ticket.set_print_state(True if outcome.printed else (outcome.problem or "failed"))
        if outcome.printed:
            self._printer_alerted = False
            try:  # counted in the reports: printed against "only on screen"
                self.loket.record_printed(self.branch, outcome.number)
            except (DomainError, Unavailable, OSError):
                log.exception("could not record that a ticket was printed")
            return
        if outcome.problem == "no_printer" or self._printer_alerted:
            return  # staff already know; one alert per breakdown, not one per visitor
        try:
            self.loket.raise_device_alert("printer", self.branch, problem=outcome.problem)
            self._printer_alerted = True
        except (DomainError, Unavailable, OSError):
            log.exception("could not alert staff about the printer")

    # -- rate your visit --------------------------------------------------------------------------

    def rate_ticket(self, number: str) -> None:
        try:
            ticket = self._call(self.loket.feedback_ticket, self.branch, number)
        except BusyShown:
            return
        except DomainError as exc:
            self._domain_error(exc, "feedback_number")
            return
        if self.language == DEFAULT_LANGUAGE and ticket.language in self.languages:
            self.set_language(ticket.language)  # the language chosen when it was issued
        self.feedback_rating.show_ticket(ticket)
        self.go("feedback_rating")

    def send_feedback(
        self, score: int, friendliness: int | None, speed: int | None, expertise: int | None
    ) -> None:
        shown = self.feedback_rating.ticket
        if shown is None:
            return
        try:
            self._call(
                self.loket.give_feedback,
                self.branch,
                shown.number,
                score,
                friendliness,
                speed,
                expertise,
            )
        except BusyShown:
            return
        except DomainError as exc:
            self._domain_error(exc)
            return
        self.go("thanks")
        self.thanks_timer.start()

    def _thanks_done(self) -> None:
        if self.current == "thanks":
            self.go("start")

    # -- idle and lock-down ------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind in USER_INPUT and self.isVisible():
            self.idle.start()
        if watched is self.place:
            # Pressing the place name for a few seconds opens the staff login: invisible
            # to visitors, and a tap does nothing.
            if kind == QEvent.Type.MouseButtonPress:
                self.staff_press.start()
            elif kind == QEvent.Type.MouseButtonRelease:
                self.staff_press.stop()
        return False

    def _idle_timeout(self) -> None:
        if self.current not in ("start", "busy"):
            self.go("start")

    def staff_pin(self, code: str, pin: str) -> None:
        try:
            person = self._call(self.loket.login_pin, code, pin)
        except BusyShown:
            return
        except DomainError as exc:
            self.staff.show_problem(exc.message)
            return
        self._staff_in(person.name, person.roles)

    def _card(self, uid: str, *_: object) -> None:
        try:
            person = self.loket.login_card(uid)
        except (DomainError, Unavailable, OSError) as exc:
            if self.current == "staff":
                self.staff.show_problem(getattr(exc, "message", "") or "Pas niet herkend.")
            return
        self._staff_in(person.name, person.roles)

    def _staff_in(self, name: str, roles: tuple[str, ...]) -> None:
        if not EXIT_ROLES & set(roles):
            self.go("staff")
            self.staff.show_problem("Alleen een teamleider of beheerder kan de kiosk afsluiten.")
            return
        self.go("staff_menu")
        self.staff_menu.staff_name = name
        self.staff_menu.retranslate()

    def unlock_and_close(self) -> None:
        self._may_close = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if not self._may_close:
            event.ignore()  # Alt+F4 and the like: the kiosk stays
            return
        self.idle.stop()
        self.watch.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        event.accept()

    def show_locked(self) -> None:
        """Fullscreen without window chrome, on top: the way it runs in the hall."""
        if self.settings.fullscreen:
            self.setWindowFlags(
                Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
            )
            self.showFullScreen()
        else:
            self.show()
