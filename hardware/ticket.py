"""What goes on a queue ticket, independent of how it is printed or shown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Language = Literal["nl", "en"]

# QR alphanumeric mode (digits, A-Z, space, $%*+-./:) keeps the code small and scanner-friendly.
_QR_ALNUM = re.compile(r"[0-9A-Z $%*+\-./:]+")


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
    # Instead of the expected wait when nobody who does the service is at a counter:
    # "Nu is er niemand voor deze dienst. Verwacht vanaf 13:00." (in ``language``).
    wait_note: str | None = None
    # Checked in early for an appointment: the time replaces the expected wait, as on
    # the kiosk's screen.
    appointment_at: datetime | None = None

    def __post_init__(self) -> None:
        if not _QR_ALNUM.fullmatch(self.qr_payload):
            raise ValueError(
                f"qr_payload must be uppercase alphanumeric (QR alphanumeric mode): "
                f"{self.qr_payload!r}"
            )
        if self.language not in ("nl", "en"):
            raise ValueError(f"language must be 'nl' or 'en', not {self.language!r}")
        if self.expected_wait_minutes is not None and self.expected_wait_minutes < 0:
            raise ValueError("expected_wait_minutes cannot be negative")
