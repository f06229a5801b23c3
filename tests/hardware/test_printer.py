"""Tickets through python-escpos into the loopback printer emulator, read back like a visitor."""

from __future__ import annotations

import socket

import numpy
import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFont, ImageOps, features

from hardware.emulator.escpos_decoder import EscposDecoder
from hardware.errors import (
    PaperOut,
    PrinterNotResponding,
    PrinterOffline,
    PrinterUnreachable,
)
from hardware.printer import FakeTicketPrinter, Paper, PrinterWarning, open_printer
from hardware.ticket import TicketWords


def test_ticket_prints_number_qr_and_dutch_text(printer_emulator, ticket):
    result = open_printer(printer_emulator.url, "TM-T20II").print_ticket(ticket)

    receipt = printer_emulator.wait_for_receipt()
    assert result.status.paper is Paper.OK and not result.warnings
    number_line = next(line for line in receipt.lines if line.text == "A 12")
    assert number_line.style.width >= 4 and number_line.style.height >= 4  # the biggest thing
    assert max(line.style.height for line in receipt.lines) == number_line.style.height
    assert "Gemeente Súdwest-Fryslân" in receipt.text
    assert "Paspoort en ID-kaart" in receipt.text
    assert "€ 5,-" in receipt.text and "geëist, geïnd, café" in receipt.text
    assert "Verwachte wachttijd: ongeveer 15 minuten" in receipt.text
    assert "Wacht in: Wachtruimte B" in receipt.text
    assert receipt.qr_payloads == ["LKT-A12-20261124"]  # sent as native GS ( k
    assert receipt.cuts == 1
    assert receipt.unknown_commands == []
    decoded = [r.text for r in zxingcpp.read_barcodes(receipt.image)]
    assert decoded == [ticket.qr_payload]


def test_status_is_asked_before_each_ticket_on_a_fresh_connection(printer_emulator, ticket):
    printer = open_printer(printer_emulator.url)
    printer.print_ticket(ticket)
    printer.print_ticket(ticket)

    printer_emulator.wait_for_receipt(2)
    assert printer_emulator.connections == 2
    assert printer_emulator.status_requests.count(("dle_eot", 4)) == 2


def test_english_ticket_on_a_tm_t88v(printer_emulator, ticket):
    from dataclasses import replace

    printer_emulator.width_dots = 512
    open_printer(printer_emulator.url, "TM-T88V").print_ticket(
        replace(
            ticket,
            language="en",
            expected_wait_minutes=1,
            # The kiosk words these from the catalogues (kiosk.printing.ticket_words).
            words=TicketWords(
                "Your number",
                "Issued on Tuesday, 24 November 2026, 09:05",
                "It will be your turn very soon.",
                "Please wait in: the waiting area",
            ),
        )
    )
    receipt = printer_emulator.wait_for_receipt()
    assert "Your number" in receipt.text
    assert "It will be your turn very soon." in receipt.text
    assert "Please wait in: the waiting area" in receipt.text
    assert [r.text for r in zxingcpp.read_barcodes(receipt.image)] == [ticket.qr_payload]


def test_profile_without_native_qr_prints_the_qr_as_an_image(printer_emulator, ticket):
    open_printer(printer_emulator.url, "simple").print_ticket(ticket)

    receipt = printer_emulator.wait_for_receipt()
    assert receipt.qr_payloads == []  # no GS ( k ...
    assert receipt.raster_images  # ... but a GS v 0 picture
    assert [r.text for r in zxingcpp.read_barcodes(receipt.image)] == [ticket.qr_payload]
    assert "A 12" in receipt.text_lines


def test_paper_near_end_prints_and_warns(printer_emulator, ticket):
    warnings: list[PrinterWarning] = []
    printer = open_printer(printer_emulator.url, on_warning=warnings.append)
    printer_emulator.mode = "near_end"

    result = printer.print_ticket(ticket)

    assert result.paper_near_end
    assert warnings == [PrinterWarning.PAPER_NEAR_END]
    assert "papier" in warnings[0].hint_nl
    assert printer_emulator.wait_for_receipt().qr_payloads == [ticket.qr_payload]


def test_paper_out_raises_and_prints_nothing(printer_emulator, ticket):
    printer_emulator.mode = "paper_out"
    with pytest.raises(PaperOut) as raised:
        open_printer(printer_emulator.url).print_ticket(ticket)
    assert "rol papier" in raised.value.hint_nl
    assert printer_emulator.receipts == []
    assert not any(b"A 12" in chunk for chunk in printer_emulator.raw)


def test_cover_open_is_offline(printer_emulator, ticket):
    printer_emulator.mode = "cover_open"
    with pytest.raises(PrinterOffline):
        open_printer(printer_emulator.url).print_ticket(ticket)


def test_printer_that_never_answers_times_out(printer_emulator, ticket):
    import time

    printer_emulator.mode = "no_reply"
    started = time.monotonic()
    with pytest.raises(PrinterNotResponding):
        open_printer(printer_emulator.url, timeout=0.5).print_ticket(ticket)
    assert time.monotonic() - started < 3


def test_unreachable_printer():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    with pytest.raises(PrinterUnreachable) as raised:
        open_printer(f"network://127.0.0.1:{port}", timeout=1).status()
    assert "niet bereikbaar" in raised.value.hint_nl


def test_file_printer_writes_escpos_that_decodes(tmp_path, ticket):
    out = tmp_path / "lp0"
    out.touch()
    result = open_printer(f"file://{out}").print_ticket(ticket)
    assert result.status.online is None  # a file cannot answer status requests

    decoder = EscposDecoder()
    decoder.feed(out.read_bytes())
    assert decoder.receipts[0].qr_payloads == [ticket.qr_payload]
    assert "A 12" in decoder.receipts[0].text_lines


def test_file_printer_without_permission(tmp_path, ticket):
    import os

    from hardware.errors import PrinterNoPermission, PrinterUnreachable

    if os.geteuid() == 0:
        missing = tmp_path / "no" / "such" / "lp0"
        with pytest.raises(PrinterUnreachable):
            open_printer(f"file://{missing}").print_ticket(ticket)
        return
    locked = tmp_path / "lp0"
    locked.touch(mode=0o400)
    with pytest.raises(PrinterNoPermission):
        open_printer(f"file://{locked}").print_ticket(ticket)


def test_fake_printer_rehearses_failures(ticket):
    printer = FakeTicketPrinter()
    printer.print_ticket(ticket)
    printer.paper = Paper.OUT
    with pytest.raises(PaperOut):
        printer.print_ticket(ticket)
    assert printer.printed == [ticket]


def _ink(img: Image.Image) -> Image.Image:
    """The inked part of a picture, as black on white, cropped to the ink."""
    gray = img.convert("L").point(lambda v: 0 if v < 128 else 255)
    box = ImageOps.invert(gray).getbbox()
    assert box is not None
    return gray.crop(box)


def _lines(paper: Image.Image, gap: int = 8) -> list[Image.Image]:
    """The printed lines of the paper: bands of ink separated by blank rows."""
    ink = numpy.asarray(paper.convert("L")) < 128
    rows = [bool(v) for v in numpy.asarray(ink.any(axis=1)).tolist()]
    bands: list[tuple[int, int]] = []
    for y, inked in enumerate(rows):
        if not inked:
            continue
        if bands and y - bands[-1][1] <= gap:
            bands[-1] = (bands[-1][0], y)
        else:
            bands.append((y, y))
    return [_ink(paper.crop((0, top, paper.width, bottom + 1))) for top, bottom in bands]


def _likeness(a: Image.Image, b: Image.Image) -> float:
    """Share of inked pixels in common (intersection over union) at the same size."""
    b = b.resize(a.size)
    x = numpy.asarray(a) < 128
    y = numpy.asarray(b) < 128
    return float((x & y).sum() / max(1, (x | y).sum()))


def _rendered(text: str, engine: ImageFont.Layout, direction: str | None) -> Image.Image:
    font = ImageFont.truetype(
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 64, layout_engine=engine
    )
    img = Image.new("L", (1400, 120), 255)
    ImageDraw.Draw(img).text((10, 20), text, font=font, fill=0, direction=direction)
    return _ink(img)


@pytest.mark.skipif(not features.check("raqm"), reason="needs Pillow with libraqm as reference")
def test_arabic_ticket_prints_shaped_right_to_left(printer_emulator, ticket):
    """Arabic lines go to the printer as pictures, shaped and in visual order; the decoded
    paper is compared with HarfBuzz/FriBiDi (Pillow's raqm layout) as an independent
    reference, and the number and QR stay as they are."""
    from dataclasses import replace

    service = "طلب جواز سفر"  # "apply for a passport"
    arabic = replace(
        ticket,
        service=service,
        language="ar",
        rtl=True,
        sentence="سيظهر رقمك على الشاشة.",
        words=TicketWords("رقمك", "تم الحصول على الرقم: 09:05", None, "انتظر في: B"),
    )
    open_printer(printer_emulator.url, "TM-T20II").print_ticket(arabic)
    receipt = printer_emulator.wait_for_receipt()
    assert receipt.image is not None
    assert "A 12" in receipt.text_lines  # the number: printer text, left to right
    assert [r.text for r in zxingcpp.read_barcodes(receipt.image)] == [ticket.qr_payload]
    assert receipt.raster_images  # the Arabic lines came as pictures
    assert not any("?" in line for line in receipt.text_lines)

    right = _rendered(service, ImageFont.Layout.RAQM, "rtl")
    naive = _rendered(service, ImageFont.Layout.BASIC, None)  # logical order, unshaped
    reversed_ = _rendered(service[::-1], ImageFont.Layout.BASIC, None)
    best = max(_lines(receipt.image), key=lambda line: _likeness(line, right))
    assert _likeness(best, right) > 0.6
    assert _likeness(best, right) > _likeness(best, naive) + 0.2
    assert _likeness(best, right) > _likeness(best, reversed_) + 0.2


def test_letters_outside_the_code_page_print_as_pictures_not_question_marks(
    printer_emulator, ticket
):
    """Polish ł, Turkish ş and Cyrillic are not in CP858: those lines come as pictures."""
    from dataclasses import replace

    polish = replace(
        ticket,
        language="pl",
        service="Zgłoszenie przeprowadzki",
        words=TicketWords("Twój numer", "Numer pobrany: 09:05", None, "Poczekaj w: Hal"),
    )
    open_printer(printer_emulator.url, "TM-T20II").print_ticket(polish)
    receipt = printer_emulator.wait_for_receipt()
    assert "Zgłoszenie przeprowadzki" not in receipt.text  # not as printer text ...
    assert not any("?" in line for line in receipt.text_lines)  # ... and never as '?'
    assert len(receipt.raster_images) == 1  # the service line, with its ł
    assert "Twój numer" in receipt.text_lines  # ó is in CP858: those lines stay text
