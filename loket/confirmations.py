"""Appointment confirmations: a PDF letter (reportlab) and an iCalendar file.

Plain language (B1): short sentences, the date written out, one thing per line, and
what to bring as its own block. The QR carries only the signed code (no personal
data); the short code under it is the fallback for the kiosk keypad.
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

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def date_text(self) -> str:
        return f"{dutch_date(self.start.date())} {self.start.year}"


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
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Uw afspraak {c.reference}")
    pdf.setAuthor(c.municipality)
    width, height = A4
    left = 25 * mm
    y = height - 30 * mm

    def line(text: str, size: float = 12, bold: bool = False, gap: float = 7) -> None:
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawString(left, y, text)
        y -= gap * mm

    line(c.municipality, 11, gap=16)
    line("Uw afspraak", 22, bold=True, gap=12)
    line(f"Beste {c.name}," if c.name else "Beste inwoner,", 12, gap=7)
    line(f"U heeft een afspraak voor: {in_sentence(c.service_name)}.", 12, gap=12)

    line("Wanneer?", 14, bold=True, gap=7)
    line(f"{c.date_text[0].upper()}{c.date_text[1:]}", 16, bold=True, gap=7)
    line(f"Om {c.start:%H:%M} uur. Het duurt ongeveer {c.duration_minutes} minuten.", 12, gap=12)
    line("Waar?", 14, bold=True, gap=7)
    line(c.branch_name, 12, gap=6)
    if c.address:
        line(c.address, 12, gap=12)
    else:
        y -= 6 * mm
    line("Wat neemt u mee?", 14, bold=True, gap=7)
    for item in _bring_lines(c.bring) or ["Uw paspoort, ID-kaart of rijbewijs"]:
        line(f"•  {item}", 12, gap=6)
    y -= 6 * mm
    line("Als u er bent", 14, bold=True, gap=7)
    line("Scan de QR-code bij het aanmeldscherm bij de ingang.", 12, gap=6)
    line("Lukt dat niet? Typ dan deze code:", 12, gap=9)
    line(c.short_code, 20, bold=True, gap=10)

    qr_size = 48 * mm
    pdf.drawImage(
        ImageReader(io.BytesIO(qr_png(c.code, box_size=10, border=4))),
        width - left - qr_size,
        height - 95 * mm,
        qr_size,
        qr_size,
    )

    line("Kunt u niet komen?", 14, bold=True, gap=7)
    line("Zeg de afspraak dan af. Dan kan iemand anders komen.", 12, gap=6)
    if c.info_line:
        for part in c.info_line.split(". "):
            line(part.rstrip(".") + ".", 11, gap=6)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(left, 15 * mm, f"Afspraaknummer {c.reference}")
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
        f"Afspraaknummer: {c.reference}",
    )
    cal.add_component(event)
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
        "Kunt u niet komen? Zeg de afspraak dan af.",
    ]
    if c.info_line:
        lines += ["", c.info_line]
    lines += ["", "Met vriendelijke groet,", c.municipality]
    return "\n".join(lines)
