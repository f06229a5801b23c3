"""Confirmation letter (PDF with QR), iCalendar file and e-mail over a real SMTP server."""

from __future__ import annotations

import email
import socket
import subprocess
import time
from datetime import datetime
from email.message import Message
from pathlib import Path

import pytest
import zxingcpp
from aiosmtpd.controller import Controller
from icalendar import Calendar
from PIL import Image
from pypdf import PdfReader

from loket.confirmations import ics
from loket.errors import ConfigError, Refused
from loket.mailer import SmtpSettings, parse_smtp
from loket.services import Loket

START = datetime(2026, 11, 24, 9, 40)


def _book(loket: Loket, email_address: str | None = "jdv@example.nl"):
    return loket.book_appointment(
        "dalfsen", "paspoort", START, name="J. de Vries", email=email_address, channel="phone"
    )


def read_qr_from_pdf(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "letter.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    results = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert len(results) == 1, "exactly one QR on the letter"
    return results[0].text


def test_letter_has_the_facts_in_plain_words_and_a_qr_that_checks_in(loket: Loket, tmp_path: Path):
    booked = _book(loket)
    pdf = loket.confirmation_pdf(booked.reference)
    text = PdfReader(__import__("io").BytesIO(pdf)).pages[0].extract_text()
    for expected in (
        "Uw afspraak",
        "Dinsdag 24 november 2026",
        "Om 09:40 uur",
        "Gemeentehuis Dalfsen",
        "Prinsenstraat 14, Dalfsen",
        "Wat neemt u mee?",
        "Uw oude paspoort",
        "n pasfoto",
        booked.short_code,
    ):
        assert expected in text, expected
    code = read_qr_from_pdf(pdf, tmp_path)
    assert code == booked.code
    ticket, message = loket.check_in(code, "dalfsen")
    assert ticket.kind == "appointment" and message.startswith("Welkom")


def test_ics_is_in_amsterdam_time(loket: Loket):
    conf = loket.confirmation(_book(loket).reference)
    event = next(iter(Calendar.from_ical(ics(conf, loket.now())).walk("VEVENT")))
    start = event["dtstart"].dt  # type: ignore[union-attr]
    assert isinstance(start, datetime)
    assert start.isoformat() == "2026-11-24T09:40:00+01:00"
    assert "pasfoto" in str(event["description"])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_email_arrives_with_pdf_and_ics_and_the_qr_checks_in(
    loket: Loket, smtp_server, tmp_path: Path
):
    inbox, port = smtp_server
    booked = _book(loket)
    settings = SmtpSettings(
        host="127.0.0.1", port=port, sender="afspraken@dalfsen.example", starttls=False
    )
    assert loket.email_confirmation(booked.reference, settings) == "jdv@example.nl"
    deadline = time.monotonic() + 5
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    recipients, message = inbox.messages[0]
    assert recipients == ["jdv@example.nl"]
    assert message["Subject"] == "Uw afspraak op dinsdag 24 november 2026 om 09:40 uur"
    parts = {p.get_filename(): p for p in message.walk() if p.get_filename()}
    pdf = parts[f"afspraak-{booked.reference}.pdf"].get_payload(decode=True)
    calendar = parts[f"afspraak-{booked.reference}.ics"]
    assert calendar.get_content_type() == "text/calendar"
    assert Calendar.from_ical(calendar.get_payload(decode=True)).walk("VEVENT")
    body = (
        next(
            p
            for p in message.walk()
            if p.get_content_type() == "text/plain" and not p.get_filename()
        )
        .get_payload(decode=True)
        .decode()
    )
    assert booked.short_code in body and "J. de Vries" in body
    code = read_qr_from_pdf(pdf, tmp_path)
    ticket, _ = loket.check_in(code, "dalfsen")
    assert ticket.appointment_reference == booked.reference
    sent = [e for e in loket.events_after(0) if e["kind"] == "appointment.confirmation_sent"]
    assert sent and "example.nl" not in str(sent[-1]["data"])


def test_no_address_and_no_server_are_explained(loket: Loket):
    booked = _book(loket, None)
    settings = SmtpSettings(
        host="127.0.0.1", port=_free_port(), sender="a@b.nl", starttls=False, timeout=2
    )
    with pytest.raises(Refused, match="geen e-mailadres"):
        loket.email_confirmation(booked.reference, settings)
    with pytest.raises(Refused, match="niet bereikbaar"):
        loket.email_confirmation(booked.reference, settings, to="x@example.nl")


def test_smtp_settings_from_the_config_and_password_from_the_environment(monkeypatch):
    assert parse_smtp({}) is None
    settings = parse_smtp(
        {
            "smtp": {
                "host": "smtp.dalfsen.nl",
                "port": 587,
                "sender": "afspraken@dalfsen.nl",
                "username": "loket",
            }
        }
    )
    assert settings is not None and settings.starttls and settings.password is None
    monkeypatch.setenv("LOKET_SMTP_PASSWORD", "geheim")
    assert settings.password == "geheim"
    with pytest.raises(ConfigError) as problems:
        parse_smtp({"smtp": {"port": "x", "password": "geheim"}})
    text = "\n".join(problems.value.problems)
    assert "smtp.host" in text and "smtp.port" in text and "LOKET_SMTP_PASSWORD" in text


def test_letter_is_easy_to_read_and_says_how_to_cancel(loket: Loket, tmp_path: Path):
    booked = _book(loket)
    pdf = loket.confirmation_pdf(booked.reference)
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    # The font travels with the letter: every font embedded, TrueType (DejaVu Sans).
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all("DejaVu" in row and "TrueType" in row for row in rows), fonts.stdout
    assert all(row.split()[-5] == "yes" for row in rows), fonts.stdout  # the "emb" column
    # No text smaller than 12 pt except the reference number at the foot.
    sizes: dict[str, float] = {}

    def seen(text: str, _cm, tm, _font, size: float) -> None:  # type: ignore[no-untyped-def]
        if text.strip():
            sizes[text.strip()] = size * abs(tm[3] or 1)

    page = PdfReader(__import__("io").BytesIO(pdf)).pages[0]
    page.extract_text(visitor_text=seen)
    small = {t: s for t, s in sizes.items() if s < 12 and not t.startswith("Afspraaknummer")}
    assert not small, small
    assert sizes.get("Wat neemt u mee?", 0) > sizes.get("Gemeentehuis Dalfsen", 0) >= 13
    # How to cancel, with the municipality's phone number and website.
    text = page.extract_text()
    assert "bel 14 0529" in text and "www.dalfsen.nl/afspraak" in text
    mail = loket.confirmation(booked.reference)
    from loket.confirmations import mail_text

    assert "Kunt u niet komen? Zeg de afspraak dan af: bel 14 0529" in mail_text(mail)


def test_ics_carries_its_time_zone(loket: Loket):
    conf = loket.confirmation(_book(loket).reference)
    calendar = Calendar.from_ical(ics(conf, loket.now()))
    zones = list(calendar.walk("VTIMEZONE"))
    assert [str(z["TZID"]) for z in zones] == ["Europe/Amsterdam"]
    # Standard (CET, +01:00) and daylight saving time (CEST, +02:00) are both described.
    offsets = {part["TZOFFSETTO"].to_ical() for part in zones[0].subcomponents}
    assert {"+0100", "+0200"} <= offsets
    event = next(iter(calendar.walk("VEVENT")))
    assert "bel 14 0529" in str(event["description"])
