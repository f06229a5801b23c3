"""Appointment confirmations: a PDF letter (reportlab) and an iCalendar file.

Plain language (B1): short sentences, the date written out, one thing per line, and
what to bring as its own block; how to cancel (the municipality's phone number and
website). Everything is in the language the appointment was booked in
(``loket.language``; right to left for Arabic). For older readers the body text is 13 pt
(headings larger) in DejaVu Sans, embedded in the PDF (``loket.reports.pdf.register_fonts``;
it also holds the Polish, Turkish, Cyrillic and Arabic letters). The QR carries only the
signed code (no personal data); the short code under it is the fallback for the kiosk
keypad. The .ics carries a VTIMEZONE block for Europe/Amsterdam, so every calendar
program reads the time the same way.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from loket.codes import qr_png
from loket.language import format_day, format_time, language, say, visual
from loket.views import in_sentence

TIMEZONE = ZoneInfo("Europe/Amsterdam")  # all stored times are local (architecture.md)


@dataclass(frozen=True)
class Confirmation:
    municipality: str
    reference: str
    code: str  # for the QR
    short_code: str  # to type at the kiosk
    service_name: str  # in ``language``
    bring: str  # in ``language``
    start: datetime
    duration_minutes: int
    branch_name: str
    address: str
    name: str | None
    info_line: str = ""
    language: str = "nl"  # the language the appointment was booked in
    # How to cancel: the municipality's phone number and website ([municipality]).
    phone: str = ""
    website: str = ""

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def date_text(self) -> str:
        return format_day(self.start.date(), self.language, year=True)

    def say(self, source: str, /, **params: object) -> str:
        return say(self.language, source, **params)


BODY_PT = 13  # >= 12 pt for older readers
HEADING_PT = 15
SMALL_PT = 11


def cancel_text(c: Confirmation) -> str:
    """How to cancel, with the ways the municipality configured."""
    if c.phone and c.website:
        return c.say(
            "Zeg de afspraak dan af: bel {phone} of ga naar {website}. "
            "Dan kan iemand anders komen.",
            phone=c.phone,
            website=c.website,
        )
    if c.phone:
        return c.say(
            "Zeg de afspraak dan af: bel {phone}. Dan kan iemand anders komen.", phone=c.phone
        )
    if c.website:
        return c.say(
            "Zeg de afspraak dan af: ga naar {website}. Dan kan iemand anders komen.",
            website=c.website,
        )
    return c.say(
        "Zeg de afspraak dan af bij {branch}. Dan kan iemand anders komen.",
        branch=c.branch_name,
    )


def _bring_lines(bring: str, code: str = "nl") -> list[str]:
    """'Neem mee: a, b en c.' as a heading plus one line per thing, easier to tick off;
    in another language one line per sentence."""
    text = bring.strip()
    if code != "nl":
        return [p.strip().rstrip(".") + "." for p in text.split(". ") if p.strip()]
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
    rtl = language(c.language).rtl
    buffer = io.BytesIO()
    # The initial font too, or Helvetica (not embedded) is named in the page resources.
    pdf = canvas.Canvas(buffer, pagesize=A4, initialFontName=regular, initialFontSize=BODY_PT)
    pdf.setTitle(c.say("Uw afspraak {reference}", reference=c.reference))
    pdf.setAuthor(c.municipality)
    width, height = A4
    left = 25 * mm
    y = height - 28 * mm
    qr_size = 46 * mm
    qr_bottom = height - 92 * mm
    # Right to left: the text starts at the right margin, the QR moves to the left.
    qr_x = left if rtl else width - left - qr_size

    def draw(text: str) -> None:
        if rtl:
            pdf.drawRightString(width - left, y, visual(text))
        else:
            pdf.drawString(left, y, text)

    def line(text: str, size: float = BODY_PT, bold: bool = False, gap: float = 7.5) -> None:
        """One line of text, wrapped at the margin (beside the QR code: before it)."""
        nonlocal y
        font = bold_font if bold else regular
        pdf.setFont(font, size)
        room = width - 2 * left - (qr_size + 6 * mm if y > qr_bottom - 4 * mm else 0)
        parts = simpleSplit(text, font, size, room) or [""]
        for i, part in enumerate(parts):
            draw(part)
            y -= (gap if i == len(parts) - 1 else size * 0.45) * mm

    line(c.municipality, 12, gap=14)
    line(c.say("Uw afspraak"), 22, bold=True, gap=11)
    line(c.say("Beste {name},", name=c.name) if c.name else c.say("Beste inwoner,"), gap=7)
    service = in_sentence(c.service_name) if c.language == "nl" else c.service_name
    line(c.say("U heeft een afspraak voor: {service}.", service=service), gap=11)

    line(c.say("Wanneer?"), HEADING_PT, bold=True, gap=7)
    line(f"{c.date_text[0].upper()}{c.date_text[1:]}", 17, bold=True, gap=7.5)
    line(
        c.say(
            "Om {time} uur. Het duurt ongeveer {minutes} minuten.",
            time=format_time(c.start),
            minutes=c.duration_minutes,
        ),
        gap=11,
    )
    line(c.say("Waar?"), HEADING_PT, bold=True, gap=7)
    line(c.branch_name, gap=6.5)
    if c.address:
        line(c.address, gap=11)
    else:
        y -= 5 * mm
    line(c.say("Wat neemt u mee?"), HEADING_PT, bold=True, gap=7)
    for item in _bring_lines(c.bring, c.language) or [c.say("Uw paspoort, ID-kaart of rijbewijs")]:
        line(f"•  {item}", gap=6.5)  # right to left: the bullet lands on the right
    y -= 5 * mm
    line(c.say("Als u er bent"), HEADING_PT, bold=True, gap=7)
    line(c.say("Scan de QR-code bij het aanmeldscherm bij de ingang."), gap=6.5)
    line(c.say("Lukt dat niet? Typ dan deze code:"), gap=9)
    # The code is read left to right in every language.
    pdf.setFont(bold_font, 20)
    if rtl:
        pdf.drawRightString(width - left, y, c.short_code)
    else:
        pdf.drawString(left, y, c.short_code)
    y -= 10 * mm

    pdf.drawImage(
        ImageReader(io.BytesIO(qr_png(c.code, box_size=10, border=4))),
        qr_x,
        qr_bottom,
        qr_size,
        qr_size,
    )

    line(c.say("Kunt u niet komen?"), HEADING_PT, bold=True, gap=7)
    line(cancel_text(c), gap=9)
    if c.info_line:
        for part in c.info_line.split(". "):
            line(part.rstrip(".") + ".", gap=6.5)
    y = 14 * mm
    pdf.setFont(regular, SMALL_PT)
    draw(c.say("Afspraaknummer {reference}", reference=c.reference))
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
    event.add("summary", c.say("Afspraak gemeente: {service}", service=c.service_name))
    event.add("location", ", ".join(p for p in (c.branch_name, c.address) if p))
    event.add(
        "description",
        f"{c.bring}\n"
        + c.say("Uw code voor het aanmeldscherm bij de ingang: {code}", code=c.short_code)
        + "\n"
        + c.say("Kunt u niet komen?")
        + " "
        + cancel_text(c)
        + "\n"
        + c.say("Afspraaknummer: {reference}", reference=c.reference),
    )
    cal.add_component(event)
    # The VTIMEZONE block for Europe/Amsterdam that TZID= refers to (RFC 5545 3.6.5).
    cal.add_missing_timezones()
    return cal.to_ical()


def mail_subject(c: Confirmation) -> str:
    return c.say("Uw afspraak op {day} om {time} uur", day=c.date_text, time=format_time(c.start))


def mail_text(c: Confirmation) -> str:
    """The e-mail body: the same facts as the letter, in short sentences."""
    service = in_sentence(c.service_name) if c.language == "nl" else c.service_name
    where = c.branch_name + (f", {c.address}" if c.address else "")
    lines = [
        c.say("Beste {name},", name=c.name) if c.name else c.say("Beste inwoner,"),
        "",
        c.say("U heeft een afspraak voor: {service}.", service=service),
        "",
        c.say("Wanneer: {day}, om {time} uur.", day=c.date_text, time=format_time(c.start)),
        c.say("Waar: {place}.", place=where),
        "",
        c.bring,
        "",
        c.say("Als u er bent: scan de QR-code uit deze brief bij het aanmeldscherm bij de ingang."),
        c.say("Lukt dat niet? Typ dan deze code: {code}", code=c.short_code),
        "",
        c.say("Kunt u niet komen?") + " " + cancel_text(c),
    ]
    if c.info_line:
        lines += ["", c.info_line]
    lines += ["", c.say("Met vriendelijke groet,"), c.municipality]
    return "\n".join(lines)
