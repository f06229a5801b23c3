"""The visitor's number: large, with the expected wait and where to wait.

When the ticket cannot be printed the number stays large on screen with a QR code to
photograph; the visitor is told that staff know, and nothing else changes for them.

Less paper: a kiosk set up with ``offer_screen_only`` asks first: "Bonnetje printen" or
"Alleen op het scherm". On the screen only, nothing is printed and the QR code is shown
to photograph (for the rating afterwards); the display and counter work the same.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout

from kiosk.printing import ticket_payload, wait_words
from kiosk.screens.common import Host, Screen, button, label
from loket.views import TicketView, qr_png
from loket.views.language import say


class TicketScreen(Screen):
    name = "ticket"
    # The visitor's choice on a kiosk that offers it: True print, False screen only.
    print_chosen = Signal(bool)

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        s = host.settings
        self.ticket: TicketView | None = None
        self.checked_in = False
        # Where to wait, per language, as the branch is configured.
        self.wait_areas: dict[str, str] = {}
        # None while printing, True printed, "choose" while the visitor decides,
        # "screen_only" when they chose not to print, else the problem ("paper_out", ...)
        self.print_state: bool | str | None = None
        self.banner = label("banner", align=Qt.AlignmentFlag.AlignHCenter)
        self.number_caption = label("body", align=Qt.AlignmentFlag.AlignHCenter)
        self.number = label("number", wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
        if host.settings.screen_height_px < 900:
            # A low screen (1366x768, 1280x720): the number stays the largest text,
            # but leaves room for the sentences below it.
            self.number.setStyleSheet("font-size: 140px;")
        self.service = label("body", align=Qt.AlignmentFlag.AlignHCenter)
        self.details = label("body")
        self.printer = label("body")
        # A label of its own: restyling one label's kind at run time left Qt laying it
        # out with the old size, and the warning text ran into its border.
        self.printer_problem = label("warning")
        self.printer_problem.hide()
        self.qr = QLabel()
        self.qr.setFixedSize(s.touch_px * 4, s.touch_px * 4)
        self.qr.setScaledContents(True)
        self.qr_caption = label("hint", align=Qt.AlignmentFlag.AlignHCenter)
        self.done = button("primary", min_height=s.touch_px, min_width=s.touch_px * 5)
        self.done.clicked.connect(lambda: host.go("start"))
        self.print_button = button("primary", min_height=s.touch_px, min_width=s.touch_px * 5)
        self.screen_button = button(min_height=s.touch_px, min_width=s.touch_px * 5)
        self.print_button.clicked.connect(lambda: self.print_chosen.emit(True))
        self.screen_button.clicked.connect(lambda: self.print_chosen.emit(False))
        self.print_button.hide()
        self.screen_button.hide()

        number_box = QVBoxLayout()
        number_box.addWidget(self.number_caption)
        number_box.addWidget(self.number)
        number_box.addWidget(self.service)
        qr_box = QVBoxLayout()
        qr_box.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        qr_box.addWidget(self.qr_caption)
        top = QHBoxLayout()
        top.addLayout(number_box, 1)
        top.addLayout(qr_box, 0)
        bottom = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(self.details)
        text.addWidget(self.printer)
        text.addWidget(self.printer_problem)
        bottom.addLayout(text, 1)
        choice = QVBoxLayout()
        choice.addWidget(self.print_button)
        choice.addWidget(self.screen_button)
        bottom.addLayout(choice)
        bottom.addWidget(self.done, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 24, 60, 24)
        layout.setSpacing(12)
        self.banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.banner)
        layout.addLayout(top, 1)
        layout.addLayout(bottom)

    def show_ticket(
        self,
        ticket: TicketView,
        *,
        checked_in: bool,
        wait_areas: dict[str, str],
        choose: bool = False,
    ) -> None:
        """``wait_areas``: where to wait, per language (the printed ticket says the same);
        ``choose``: ask "Bonnetje printen" or "Alleen op het scherm" first."""
        self.ticket, self.checked_in = ticket, checked_in
        self.wait_areas = wait_areas
        self.print_state = "choose" if choose else None
        self.retranslate()

    def set_print_state(self, state: bool | str | None) -> None:
        self.print_state = state
        self.retranslate()

    def place(self, language: str) -> str:
        """Where to wait in ``language``: the branch's text in that language, else "the
        waiting area" (never the Dutch place name in an English sentence)."""
        return self.wait_areas.get(language) or say(language, "de wachtruimte")

    def wait_text(self, t: TicketView) -> str:
        """The expected wait; the same rules as the printed ticket (kiosk.printing)."""
        minutes = t.predicted_wait_minutes
        if t.wait_note is None and minutes is not None and minutes > 1:
            return self.tr("U wacht ongeveer {minutes} minuten.").format(minutes=minutes)
        return wait_words(t, self.host.language) or ""

    def retranslate(self) -> None:
        self.done.setText(self.tr("Klaar"))
        t = self.ticket
        if t is None:
            return
        language = self.host.language
        late = self.checked_in and t.kind == "walk_in"
        early = self.checked_in and t.appointment_at is not None and t.appointment_at > t.issued_at
        if late:
            self.banner.setText(self.tr("U bent ingecheckt"))
        elif self.checked_in:
            self.banner.setText(self.tr("Welkom, u bent ingecheckt"))
        else:
            self.banner.setText(self.tr("Dit is uw nummer"))
        self.number_caption.setText(self.tr("Uw nummer is"))
        self.number.setText(t.number)
        self.number.setAccessibleName(self.tr("Uw nummer is {number}").format(number=t.number))
        self.service.setText(t.service_in(language))
        lines = []
        if late:
            lines.append(
                self.tr(
                    "U bent te laat voor uw afspraak. U krijgt een gewoon "
                    "nummer en wacht op uw beurt."
                )
            )
        elif early and t.appointment_at is not None:
            lines.append(
                self.tr("Uw afspraak is om {time}. We roepen u rond die tijd.").format(
                    time=f"{t.appointment_at:%H:%M}"
                )
            )
        wait = self.wait_text(t)
        if wait and not early:
            lines.append(wait)
        lines.append(
            self.tr("Wacht in {place}. Uw nummer komt op het scherm.").format(
                place=self.place(language)
            )
        )
        if t.needs_assistance:
            lines.append(self.tr("De medewerker weet dat u hulp nodig heeft."))
        self.details.setText("\n".join(lines))
        self._show_print_state()

    def _show_print_state(self) -> None:
        assert self.ticket is not None
        state = self.print_state
        choosing = state == "choose"
        failed = state is not None and state is not True and not choosing
        problem = failed and state not in ("no_printer", "screen_only")
        self.print_button.setText(self.tr("Bonnetje printen"))
        self.screen_button.setText(self.tr("Alleen op het scherm"))
        self.print_button.setVisible(choosing)
        self.screen_button.setVisible(choosing)
        self.done.setVisible(not choosing)
        if choosing:
            self.printer.setText(
                self.tr(
                    "Wilt u een bonnetje? Of alleen uw nummer op het scherm? Dat scheelt papier."
                )
            )
            # A low screen (1280x720) has no room for the question: the two buttons
            # say it themselves.
            self.printer.setVisible(self.host.settings.screen_height_px >= 800)
        elif state == "screen_only":
            self.printer.setText(
                self.tr("Er wordt niets geprint. Onthoud uw nummer, of maak er een foto van.")
            )
        elif state is None:
            self.printer.setText(self.tr("Uw bonnetje wordt geprint."))
        elif state is True:
            self.printer.setText(self.tr("Neem uw bonnetje uit de printer."))
        elif state == "no_printer":
            self.printer.setText(self.tr("Onthoud uw nummer, of maak er een foto van."))
        else:
            self.printer_problem.setText(
                self.tr(
                    "De printer werkt nu niet. Onthoud uw nummer, of "
                    "maak er een foto van. Een medewerker weet het al."
                )
            )
        if not choosing:
            self.printer.setVisible(not problem)
        self.printer_problem.setVisible(problem)
        self.qr.setVisible(failed)
        self.qr_caption.setVisible(failed)
        if failed:
            pixmap = QPixmap()
            pixmap.loadFromData(
                qr_png(ticket_payload(self.ticket.branch, self.ticket.number), box_size=8, border=2)
            )
            self.qr.setPixmap(pixmap)
            self.qr_caption.setText(self.tr("Maak een foto"))

    def reset(self) -> None:
        self.ticket = None
        self.print_state = None
        self.print_button.hide()
        self.screen_button.hide()
        self.done.show()
        for widget in (self.banner, self.number, self.service, self.details, self.printer):
            widget.clear()
        self.qr.clear()
