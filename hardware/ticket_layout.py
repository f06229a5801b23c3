"""One layout for a ticket, shared by the ESC/POS writer and the PNG renderer.

The layout is expressed in printer terms (character columns of font A, size multipliers)
so the paper ticket and the on-screen picture look alike.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Literal

from hardware.ticket import Language, TicketPrint

Align = Literal["left", "center"]

_MONTHS = {
    "nl": [
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ],
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
}  # fmt: skip

_LABELS: dict[Language, dict[str, str]] = {
    "nl": {
        "your_number": "Uw nummer",
        "issued": "Uw nummer gekregen op",
        "wait": "Verwachte wachttijd",
        "wait_none": "U bent bijna aan de beurt.",
        "appointment": "Uw afspraak is om {time}. We roepen u rond die tijd.",
        "minute": "minuut",
        "minutes": "minuten",
        "about": "ongeveer",
        "where": "Wacht in",
    },
    "en": {
        "your_number": "Your number",
        "issued": "Issued on",
        "wait": "Expected wait",
        "wait_none": "It will be your turn very soon.",
        "appointment": "Your appointment is at {time}. We will call you around that time.",
        "minute": "minute",
        "minutes": "minutes",
        "about": "about",
        "where": "Please wait in",
    },
}

MAX_NUMBER_SCALE = 6


@dataclass(frozen=True)
class TextBlock:
    text: str
    width_scale: int = 1
    height_scale: int = 1
    bold: bool = False
    align: Align = "center"


@dataclass(frozen=True)
class QrBlock:
    payload: str


@dataclass(frozen=True)
class LogoBlock:
    path: str


@dataclass(frozen=True)
class GapBlock:
    lines: int = 1


Block = TextBlock | QrBlock | LogoBlock | GapBlock


def format_issued_at(ticket: TicketPrint) -> str:
    t = ticket.issued_at
    month = _MONTHS[ticket.language][t.month - 1]
    return f"{t.day} {month} {t.year}, {t:%H:%M}"


def format_wait(ticket: TicketPrint) -> str | None:
    labels = _LABELS[ticket.language]
    if ticket.appointment_at is not None:
        return labels["appointment"].format(time=f"{ticket.appointment_at:%H:%M}")
    minutes = ticket.expected_wait_minutes
    if ticket.wait_note:
        return ticket.wait_note
    if minutes is None:
        return None
    if minutes <= 1:  # as the kiosk's screen says it
        return labels["wait_none"]
    unit = labels["minute"] if minutes == 1 else labels["minutes"]
    return f"{labels['wait']}: {labels['about']} {minutes} {unit}"


def number_scale(number: str, columns: int) -> int:
    """The largest size multiplier that keeps the number inside ~85 % of the paper width."""
    fit = int(columns * 0.85) // max(len(number), 1)
    return max(1, min(MAX_NUMBER_SCALE, fit))


def _wrapped(text: str, columns: int, **style: object) -> list[Block]:
    scale = int(style.get("width_scale", 1))  # type: ignore[call-overload]
    lines = textwrap.wrap(text, max(columns // scale, 8)) or [""]
    return [TextBlock(line, **style) for line in lines]  # type: ignore[arg-type]


def layout_ticket(ticket: TicketPrint, columns: int = 48) -> list[Block]:
    labels = _LABELS[ticket.language]
    blocks: list[Block] = []
    if ticket.logo_path:
        blocks.append(LogoBlock(ticket.logo_path))
    blocks += _wrapped(ticket.municipality, columns, bold=True, height_scale=2)
    blocks.append(GapBlock())
    blocks.append(TextBlock(labels["your_number"]))
    scale = number_scale(ticket.number, columns)
    blocks.append(TextBlock(ticket.number, width_scale=scale, height_scale=scale, bold=True))
    blocks.append(GapBlock())
    blocks += _wrapped(ticket.service, columns, bold=True, width_scale=2, height_scale=2)
    blocks.append(GapBlock())
    blocks.append(TextBlock(f"{labels['issued']} {format_issued_at(ticket)}"))
    wait = format_wait(ticket)
    if wait:
        blocks += _wrapped(wait, columns)
    blocks += _wrapped(f"{labels['where']}: {ticket.wait_area}", columns, bold=True)
    blocks.append(GapBlock())
    blocks.append(QrBlock(ticket.qr_payload))
    blocks.append(GapBlock())
    blocks += _wrapped(ticket.sentence, columns)
    return blocks
