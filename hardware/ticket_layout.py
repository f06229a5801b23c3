"""One layout for a ticket, shared by the ESC/POS writer and the PNG renderer.

The layout is expressed in printer terms (character columns of font A, size multipliers)
so the paper ticket and the on-screen picture look alike.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Literal

from hardware.ticket import TicketPrint, TicketWords

Align = Literal["left", "center"]

# Dutch, the source language: used when the caller gave no words (hardware check print).
_MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


MAX_NUMBER_SCALE = 6


@dataclass(frozen=True)
class TextBlock:
    text: str
    width_scale: int = 1
    height_scale: int = 1
    bold: bool = False
    align: Align = "center"
    rtl: bool = False  # printed right to left (shaped and reordered; hardware.rtl)


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


def dutch_words(ticket: TicketPrint) -> TicketWords:
    t = ticket.issued_at
    minutes = ticket.expected_wait_minutes
    if minutes is None:
        wait = None
    elif minutes <= 1:  # as the kiosk's screen says it
        wait = "U bent bijna aan de beurt."
    else:
        wait = f"Verwachte wachttijd: ongeveer {minutes} minuten"
    return TicketWords(
        your_number="Uw nummer",
        issued=f"Uw nummer gekregen op {t.day} {_MONTHS_NL[t.month - 1]} {t.year}, {t:%H:%M}",
        wait=wait,
        where=f"Wacht in: {ticket.wait_area}",
    )


def number_scale(number: str, columns: int) -> int:
    """The largest size multiplier that keeps the number inside ~85 % of the paper width."""
    fit = int(columns * 0.85) // max(len(number), 1)
    return max(1, min(MAX_NUMBER_SCALE, fit))


def _wrapped(text: str, columns: int, **style: object) -> list[Block]:
    scale = int(style.get("width_scale", 1))  # type: ignore[call-overload]
    lines = textwrap.wrap(text, max(columns // scale, 8)) or [""]
    return [TextBlock(line, **style) for line in lines]  # type: ignore[arg-type]


def layout_ticket(ticket: TicketPrint, columns: int = 48) -> list[Block]:
    blocks = _layout(ticket, columns)
    if not ticket.rtl:
        return blocks
    # Right to left: every line of words; the number on its own stays as it is.
    number = ticket.number
    return [
        TextBlock(b.text, b.width_scale, b.height_scale, b.bold, b.align, rtl=True)
        if isinstance(b, TextBlock) and b.text != number
        else b
        for b in blocks
    ]


def _layout(ticket: TicketPrint, columns: int) -> list[Block]:
    words = ticket.words or dutch_words(ticket)
    blocks: list[Block] = []
    if ticket.logo_path:
        blocks.append(LogoBlock(ticket.logo_path))
    blocks += _wrapped(ticket.municipality, columns, bold=True, height_scale=2)
    blocks.append(GapBlock())
    blocks.append(TextBlock(words.your_number))
    scale = number_scale(ticket.number, columns)
    blocks.append(TextBlock(ticket.number, width_scale=scale, height_scale=scale, bold=True))
    blocks.append(GapBlock())
    blocks += _wrapped(ticket.service, columns, bold=True, width_scale=2, height_scale=2)
    blocks.append(GapBlock())
    blocks += _wrapped(words.issued, columns)
    if words.wait:
        blocks += _wrapped(words.wait, columns)
    blocks += _wrapped(words.where, columns, bold=True)
    blocks.append(GapBlock())
    blocks.append(QrBlock(ticket.qr_payload))
    blocks.append(GapBlock())
    blocks += _wrapped(ticket.sentence, columns)
    return blocks
