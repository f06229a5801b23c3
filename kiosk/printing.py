"""Printing the ticket without ever blocking the kiosk.

The printer is asked in a worker thread (a network printer that is switched off takes
seconds to time out); the outcome comes back as a Qt signal on the GUI thread. Any
failure leaves the kiosk working: the number stays on screen with a QR code and staff
are alerted.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from hardware.errors import PaperOut, PrinterError, PrinterOffline, PrintFailed
from hardware.printer import TicketPrinter
from hardware.ticket import TicketPrint, TicketWords
from loket.views import TicketView
from loket.views.language import N_, format_day, format_time, language, say

log = logging.getLogger(__name__)
_PAYLOAD = re.compile(r"LOKET/([A-Z0-9-]+)/([A-Z]{1,2})(\d{1,4})")


def ticket_payload(branch: str, number: str) -> str:
    """The QR on a walk-in ticket: branch and number only, no personal data."""
    return f"LOKET/{branch.upper()}/{number.replace(' ', '').upper()}"


def read_ticket_payload(text: str) -> tuple[str, str] | None:
    """(branch, "A 12") from a scanned ticket QR, or None for anything else."""
    m = _PAYLOAD.fullmatch(text.strip().upper())
    if not m:
        return None
    return m.group(1).lower(), f"{m.group(2)} {int(m.group(3))}"


SENTENCE = N_(
    "Uw nummer komt op het scherm. Na uw bezoek kunt u met deze QR-code een cijfer geven."
)


def wait_words(t: TicketView, code: str) -> str | None:
    """The expected wait, as the kiosk's screen says it: "bijna aan de beurt" from one
    minute down; when nobody who does the service is at a counter, from when someone is
    expected (never "0 minutes")."""
    if t.wait_note is not None:
        if t.wait_expected_from:
            return say(
                code,
                "Nu is er niemand voor deze dienst. Verwacht vanaf {time}.",
                time=t.wait_expected_from,
            )
        return say(code, "Nu is er niemand voor deze dienst.")
    minutes = t.predicted_wait_minutes
    if minutes is None:
        return None
    if minutes <= 1:
        return say(code, "U bent bijna aan de beurt.")
    return say(code, "Verwachte wachttijd: ongeveer {minutes} minuten", minutes=minutes)


def ticket_words(t: TicketView, code: str, wait_area: str) -> TicketWords:
    """The ticket's lines in the visitor's language, from the catalogues."""
    if t.kind != "walk_in" and t.appointment_at is not None and t.appointment_at > t.issued_at:
        # Checked in early: the appointment's time instead of a wait, as on the screen.
        wait: str | None = say(
            code,
            "Uw afspraak is om {time}. We roepen u rond die tijd.",
            time=format_time(t.appointment_at),
        )
    else:
        wait = wait_words(t, code)
    when = say(
        code,
        "{day}, {time}",
        day=format_day(t.issued_at.date(), code, year=True),
        time=format_time(t.issued_at),
    )
    return TicketWords(
        your_number=say(code, "Uw nummer"),
        issued=say(code, "Uw nummer gekregen op {when}", when=when),
        wait=wait,
        where=say(code, "Wacht in: {area}", area=wait_area),
    )


def ticket_print(
    t: TicketView, code: str, *, municipality: str, wait_area: str, branch: str
) -> TicketPrint:
    """What the printer prints for ticket ``t``, in language ``code``."""
    return TicketPrint(
        municipality=municipality,
        number=t.number,
        service=t.service_in(code),
        issued_at=t.issued_at,
        expected_wait_minutes=t.predicted_wait_minutes,
        wait_area=wait_area,
        qr_payload=ticket_payload(branch, t.number),
        sentence=say(code, SENTENCE),
        language=code,
        words=ticket_words(t, code, wait_area),
        rtl=language(code).rtl,
    )


@dataclass(frozen=True)
class PrintOutcome:
    number: str
    printed: bool
    # None when printed; else "paper_out", "offline", "unreachable", "failed" or
    # "no_printer" (a kiosk set up without printer: less paper, no alert).
    problem: str | None = None
    hint_nl: str = ""


def classify(exc: PrinterError) -> str:
    if isinstance(exc, PaperOut):
        return "paper_out"
    if isinstance(exc, PrinterOffline):
        return "offline"
    if isinstance(exc, PrintFailed):
        return "failed"
    return "unreachable"


class TicketOutput(QObject):
    """Prints tickets one at a time; ``done(PrintOutcome)`` arrives on the GUI thread."""

    done = Signal(object)

    def __init__(self, printer: TicketPrinter | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.printer = printer
        self._lock = threading.Lock()

    def print_ticket(self, ticket: TicketPrint) -> None:
        if self.printer is None:
            self.done.emit(PrintOutcome(ticket.number, False, "no_printer"))
            return
        threading.Thread(
            target=self._run, args=(ticket,), daemon=True, name="ticket-printer"
        ).start()

    def _run(self, ticket: TicketPrint) -> None:
        assert self.printer is not None
        with self._lock:  # one ticket at a time: two visitors, two tickets, right order
            try:
                self.printer.print_ticket(ticket)
                outcome = PrintOutcome(ticket.number, True)
            except PrinterError as exc:
                log.warning("ticket not printed: %s", exc)
                outcome = PrintOutcome(ticket.number, False, classify(exc), exc.hint_nl)
            except Exception:  # a driver bug must not take the kiosk down
                log.exception("ticket printer failed")
                outcome = PrintOutcome(ticket.number, False, "failed")
        self.done.emit(outcome)
