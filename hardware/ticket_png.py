"""The ticket as a picture: shown on the kiosk screen (also when printing fails) and in tests."""

from __future__ import annotations

import io
import os

import qrcode
from PIL import Image, ImageDraw, ImageFont

from hardware.rtl import visual
from hardware.ticket import TicketPrint
from hardware.ticket_layout import GapBlock, LogoBlock, QrBlock, TextBlock, layout_ticket

WIDTH = 576  # 72 mm printable at 203 dpi, the same width the paper ticket has
MARGIN = 16
LINE = 30
BASE_FONT = 22
QR_BOX = 8
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "C:/Windows/Fonts")


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    names = ("DejaVuSans-Bold.ttf", "arialbd.ttf") if bold else ("DejaVuSans.ttf", "arial.ttf")
    for folder in _FONT_DIRS:
        for name in names:
            path = os.path.join(folder, name)
            if os.path.exists(path):
                # The basic layout: right-to-left text arrives shaped and in visual order
                # (hardware.rtl), the same on every PC with or without libraqm.
                return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)
    font = ImageFont.load_default(size=size)
    assert isinstance(font, ImageFont.FreeTypeFont), "Pillow without FreeType"
    return font


def text_image(block: TextBlock, width: int = WIDTH) -> Image.Image:
    """One line of the ticket as a picture ``width`` dots wide; right-to-left lines shaped
    and reordered first. The printer prints such a line as an image when its code page
    cannot hold the letters (Polish, Turkish, Ukrainian, Arabic)."""
    text = visual(block.text) if block.rtl else block.text
    size = BASE_FONT * block.height_scale
    usable = width - 2 * MARGIN
    while True:
        font = _font(block.bold, size)
        left, top, right, bottom = font.getbbox(text or " ")
        if right - left <= usable or size <= 10:
            break
        size -= 2
    # Line height from the font metrics keeps letters with accents (ë, É) inside their line.
    ascent, descent = font.getmetrics()
    height = max(LINE * block.height_scale, ascent + descent + 6)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    if block.align == "center":
        x, anchor = width // 2, "ms"
    elif block.rtl:
        x, anchor = width - MARGIN, "rs"
    else:
        x, anchor = MARGIN, "ls"
    draw.text((x, (height + ascent - descent) // 2), text, font=font, fill=0, anchor=anchor)
    return img


def _qr_image(payload: str) -> Image.Image:
    code = qrcode.QRCode(
        box_size=QR_BOX, border=4, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    code.add_data(payload)
    code.make(fit=True)
    qr = code.make_image().get_image().convert("L")
    row = Image.new("L", (WIDTH, qr.height), 255)
    row.paste(qr, ((WIDTH - qr.width) // 2, 0))
    return row


def _logo_image(path: str) -> Image.Image:
    with Image.open(path) as src:
        logo = src.convert("RGBA")
    flat = Image.new("RGBA", logo.size, "white")
    flat.alpha_composite(logo)
    gray = flat.convert("L")
    limit = min(384, WIDTH - 2 * MARGIN)
    if gray.width > limit:
        gray = gray.resize((limit, round(gray.height * limit / gray.width)))
    row = Image.new("L", (WIDTH, gray.height + 8), 255)
    row.paste(gray, ((WIDTH - gray.width) // 2, 4))
    return row


def render_ticket_image(ticket: TicketPrint) -> Image.Image:
    rows: list[Image.Image] = [Image.new("L", (WIDTH, MARGIN), 255)]
    for block in layout_ticket(ticket, columns=48):
        if isinstance(block, TextBlock):
            rows.append(text_image(block))
        elif isinstance(block, GapBlock):
            rows.append(Image.new("L", (WIDTH, LINE * block.lines // 2), 255))
        elif isinstance(block, QrBlock):
            rows.append(_qr_image(block.payload))
        elif isinstance(block, LogoBlock):
            rows.append(_logo_image(block.path))
    rows.append(Image.new("L", (WIDTH, MARGIN * 2), 255))
    page = Image.new("L", (WIDTH, sum(r.height for r in rows)), 255)
    y = 0
    for row in rows:
        page.paste(row, (0, y))
        y += row.height
    return page


def render_ticket_png(ticket: TicketPrint) -> bytes:
    out = io.BytesIO()
    render_ticket_image(ticket).save(out, format="PNG", optimize=True)
    return out.getvalue()
