"""What goes on a queue ticket, independent of how it is printed or shown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

Language = str  # a language code of loket.language ("nl", "de", "ar", ...)

# QR alphanumeric mode (digits, A-Z, space, $%*+-./:) keeps the code small and scanner-friendly.
_QR_ALNUM = re.compile(r"[0-9A-Z $%*+\-./:]+")


@dataclass(frozen=True)
class TicketWords:
    """The ticket's own lines, already in the visitor's language (the kiosk words them
    from the catalogues; hardware is a leaf and knows no language but Dutch)."""

    your_number: str
    issued: str  # "Uw nummer gekregen op dinsdag 24 november 2026, 09:05"
    wait: str | None  # "Verwachte wachttijd: ongeveer 15 minuten"; None: no estimate
    where: str  # "Wacht in: Wachtruimte B"


@dataclass(frozen=True)
class TicketPrint:
    municipality: str
    number: str
    service: str
    issued_at: datetime
    expected_wait_minutes: int | None
    wait_area: str
    qr_payload: str
    sentence: str
    language: Language = "nl"
    logo_path: str | None = None
    words: TicketWords | None = None  # None: Dutch, worded by hardware.ticket_layout
    rtl: bool = False  # Arabic: lines printed right to left (shaped, as pictures)

    def __post_init__(self) -> None:
        if not _QR_ALNUM.fullmatch(self.qr_payload):
            raise ValueError(
                f"qr_payload must be uppercase alphanumeric (QR alphanumeric mode): "
                f"{self.qr_payload!r}"
            )
        if not re.fullmatch(r"[a-z]{2,3}", self.language):
            raise ValueError(f"language must be a language code, not {self.language!r}")
        if self.expected_wait_minutes is not None and self.expected_wait_minutes < 0:
            raise ValueError("expected_wait_minutes cannot be negative")
