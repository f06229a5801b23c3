import io
from dataclasses import replace

import zxingcpp
from PIL import Image

from hardware.ticket_layout import TextBlock, layout_ticket
from hardware.ticket_png import render_ticket_png


def test_png_shows_a_readable_qr_and_a_big_number(ticket, tmp_path):
    png = render_ticket_png(ticket)
    (tmp_path / "ticket.png").write_bytes(png)
    image = Image.open(io.BytesIO(png))

    assert image.format == "PNG" and image.width == 576
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [ticket.qr_payload]
    texts = [b for b in layout_ticket(ticket) if isinstance(b, TextBlock)]
    biggest = max(texts, key=lambda b: b.height_scale)
    assert biggest.text == "A 12" and biggest.height_scale >= 4


def test_png_with_logo_and_unknown_wait(ticket, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (800, 200), (0, 80, 160, 255)).save(logo)
    png = render_ticket_png(replace(ticket, logo_path=str(logo), expected_wait_minutes=None))
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.getpixel((288, 30)) < 128  # type: ignore[operator]  # the logo is at the top, scaled to the paper
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [ticket.qr_payload]


def test_ticket_refuses_a_qr_payload_outside_alphanumeric_mode(ticket):
    import pytest

    with pytest.raises(ValueError):
        replace(ticket, qr_payload="lkt-a12")
