"""Appointment confirmations: a PDF letter (reportlab) and an iCalendar file.

Plain language (B1): short sentences, the date written out, one thing per line, and
what to bring as its own block; how to cancel (the municipality's phone number and
website). For older readers the body text is 13 pt (headings larger) in DejaVu Sans,
embedded in the PDF (``loket.reports.pdf.register_fonts``). The QR carries only the
signed code (no personal data); the short code under it is the fallback for the kiosk
keypad. The .ics carries a VTIMEZONE block for Europe/Amsterdam, so every calendar
program reads the time the same way.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from loket.codes import dutch_date, qr_png
from loket.views import in_sentence

TIMEZONE = ZoneInfo("Europe/Amsterdam")  # all stored times are local (architecture.md)


@dataclass(frozen=True)
class Confirmation:
    municipality: str
    reference: str
    code: str  # for the QR
    short_code: str  # to type at the kiosk
    service_name: str
    bring: str
    start: datetime
    duration_minutes: int
    branch_name: str
    address: str
    name: str | None
    info_line: str = ""
    # How to cancel: the municipality's phone number and website ([municipality]).
    phone: str = ""
    website: str = ""

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def date_text(self) -> str:
        return f"{dutch_date(self.start.date())} {self.start.year}"


BODY_PT = 13  # >= 12 pt for older readers
HEADING_PT = 15
SMALL_PT = 11


def cancel_text(c: Confirmation) -> str:
    """How to cancel, with the ways the municipality configured."""
    ways = []
    if c.phone:
        ways.append(f"bel {c.phone}")
    if c.website:
        ways.append(f"ga naar {c.website}")
    if not ways:
        return f"Zeg de afspraak dan af bij {c.branch_name}. Dan kan iemand anders komen."
    return f"Zeg de afspraak dan af: {' of '.join(ways)}. Dan kan iemand anders komen."


def _bring_lines(bring: str) -> list[str]:
    """'Neem mee: a, b en c.' as a heading plus one line per thing, easier to tick off."""
    text = bring.strip()
    if text.lower().startswith("neem mee:"):
        text = text[len("neem mee:") :].strip()
    first, _, rest = text.partition(". ")
    parts = [p.strip() for p in first.rstrip(".").replace(" en ", ", ").split(",") if p.strip()]
    lines = [p[0].upper() + p[1:] for p in parts]
    if rest.strip():
        lines.append(rest.strip())
    return lines


def letter_pdf(c: Confirmation) -> bytes:
    """One A4 page: greeting, when, where, what to bring, QR and short code."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfgen import canvas

    from loket.reports.pdf import register_fonts

    regular, bold_font = register_fonts()

    buffer = io.BytesIO()
    # The initial font too, or Helvetica (not embedded) is named in the page resources.
    pdf = canvas.Canvas(buffer, pagesize=A4, initialFontName=regular, initialFontSize=BODY_PT)
    pdf.setTitle(f"Uw afspraak {c.reference}")
    pdf.setAuthor(c.municipality)
    width, height = A4
    left = 25 * mm
    y = height - 28 * mm
    qr_size = 46 * mm
    qr_bottom = height - 92 * mm

    def line(text: str, size: float = BODY_PT, bold: bool = False, gap: float = 7.5) -> None:
        """One line of text, wrapped at the margin (beside the QR code: before it)."""
        nonlocal y
        font = bold_font if bold else regular
        pdf.setFont(font, size)
        room = width - 2 * left - (qr_size + 6 * mm if y > qr_bottom - 4 * mm else 0)
        parts = simpleSplit(text, font, size, room) or [""]
        for i, part in enumerate(parts):
            pdf.drawString(left, y, part)
            y -= (gap if i == len(parts) - 1 else size * 0.45) * mm

    line(c.municipality, 12, gap=14)
    line("Uw afspraak", 22, bold=True, gap=11)
    line(f"Beste {c.name}," if c.name else "Beste inwoner,", gap=7)
    line(f"U heeft een afspraak voor: {in_sentence(c.service_name)}.", gap=11)

    line("Wanneer?", HEADING_PT, bold=True, gap=7)
    line(f"{c.date_text[0].upper()}{c.date_text[1:]}", 17, bold=True, gap=7.5)
    line(f"Om {c.start:%H:%M} uur. Het duurt ongeveer {c.duration_minutes} minuten.", gap=11)
    line("Waar?", HEADING_PT, bold=True, gap=7)
    line(c.branch_name, gap=6.5)
    if c.address:
        line(c.address, gap=11)
    else:
        y -= 5 * mm
    line("Wat neemt u mee?", HEADING_PT, bold=True, gap=7)
    for item in _bring_lines(c.bring) or ["Uw paspoort, ID-kaart of rijbewijs"]:
        line(f"•  {item}", gap=6.5)
    y -= 5 * mm
    line("Als u er bent", HEADING_PT, bold=True, gap=7)
    line("Scan de QR-code bij het aanmeldscherm bij de ingang.", gap=6.5)
    line("Lukt dat niet? Typ dan deze code:", gap=9)
    line(c.short_code, 20, bold=True, gap=10)

    pdf.drawImage(
        ImageReader(io.BytesIO(qr_png(c.code, box_size=10, border=4))),
        width - left - qr_size,
        qr_bottom,
        qr_size,
        qr_size,
    )

    line("Kunt u niet komen?", HEADING_PT, bold=True, gap=7)
    line(cancel_text(c), gap=9)
    if c.info_line:
        for part in c.info_line.split(". "):
            line(part.rstrip(".") + ".", gap=6.5)
    pdf.setFont(regular, SMALL_PT)
    pdf.drawString(left, 14 * mm, f"Afspraaknummer {c.reference}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def ics(c: Confirmation, now: datetime) -> bytes:
    """An iCalendar file with one event, in Europe/Amsterdam time."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Loket//afspraakbevestiging//NL")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{c.reference}@loket")
    event.add("dtstamp", now.replace(tzinfo=TIMEZONE))
    event.add("dtstart", c.start.replace(tzinfo=TIMEZONE))
    event.add("dtend", c.end.replace(tzinfo=TIMEZONE))
    event.add("summary", f"Afspraak gemeente: {c.service_name}")
    event.add("location", ", ".join(p for p in (c.branch_name, c.address) if p))
    event.add(
        "description",
        f"{c.bring}\nUw code voor het aanmeldscherm bij de ingang: {c.short_code}\n"
        f"Kunt u niet komen? {cancel_text(c)}\n"
        f"Afspraaknummer: {c.reference}",
    )
    cal.add_component(event)
    # The VTIMEZONE block for Europe/Amsterdam that TZID= refers to (RFC 5545 3.6.5).
    cal.add_missing_timezones()
    return cal.to_ical()


def mail_text(c: Confirmation) -> str:
    """The e-mail body: the same facts as the letter, in short sentences."""
    lines = [
        f"Beste {c.name}," if c.name else "Beste inwoner,",
        "",
        f"U heeft een afspraak voor: {in_sentence(c.service_name)}.",
        "",
        f"Wanneer: {c.date_text}, om {c.start:%H:%M} uur.",
        f"Waar: {c.branch_name}" + (f", {c.address}" if c.address else "") + ".",
        "",
        c.bring,
        "",
        "Als u er bent: scan de QR-code uit deze brief bij het aanmeldscherm bij de ingang.",
        f"Lukt dat niet? Typ dan deze code: {c.short_code}",
        "",
        f"Kunt u niet komen? {cancel_text(c)}",
    ]
    if c.info_line:
        lines += ["", c.info_line]
    lines += ["", "Met vriendelijke groet,", c.municipality]
    return "\n".join(lines)
