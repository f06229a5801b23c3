"""Writes a ticket layout onto a python-escpos printer object."""

from __future__ import annotations

from escpos.constants import QR_ECLEVEL_M
from escpos.escpos import Escpos
from PIL import Image

from hardware.ticket import TicketPrint
from hardware.ticket_layout import GapBlock, LogoBlock, QrBlock, TextBlock, layout_ticket
from hardware.ticket_png import text_image

# Both hold ë é ï € â; CP858 is CP850 with € and is what Epson firmware calls "PC858 Euro".
PREFERRED_CODE_PAGES = ("CP858", "CP1252")
QR_MODULE_DOTS = 8
LOGO_MAX_DOTS = 384


def profile_code_page(printer: Escpos) -> str | None:
    pages = set(printer.profile.get_code_pages())
    for page in PREFERRED_CODE_PAGES:
        if page in pages:
            return page
    return None


def profile_columns(printer: Escpos) -> int:
    try:
        return int(printer.profile.get_columns("a"))
    except (KeyError, ValueError, TypeError):
        return 42


def profile_width_dots(printer: Escpos) -> int | None:
    try:
        return int(printer.profile.profile_data["media"]["width"]["pixels"])
    except (KeyError, ValueError, TypeError):
        return None


def supports_native_qr(printer: Escpos) -> bool:
    return bool(printer.profile.supports("qrCode"))


def _fits(text: str, page: str | None) -> bool:
    """Whether the printer's code page holds every letter of ``text``."""
    try:
        text.encode((page or "cp437").lower())
    except UnicodeEncodeError:
        return False
    return True


def _logo_image(path: str, max_dots: int) -> Image.Image:
    with Image.open(path) as src:
        img = src.convert("RGBA")
    # Transparent areas must print as paper, not as black.
    flat = Image.new("RGB", img.size, "white")
    flat.paste(img, mask=img.getchannel("A"))
    if flat.width > max_dots:
        flat = flat.resize((max_dots, round(flat.height * max_dots / flat.width)))
    return flat


def write_ticket(printer: Escpos, ticket: TicketPrint, *, native_qr: bool | None = None) -> None:
    """Encode the whole ticket, ending with a cut. The caller owns open/close."""
    if native_qr is None:
        native_qr = supports_native_qr(printer)
    width = profile_width_dots(printer)
    printer.hw("INIT")
    page = profile_code_page(printer)
    if page:
        printer.charcode(page)
    for block in layout_ticket(ticket, profile_columns(printer)):
        if isinstance(block, TextBlock) and (block.rtl or not _fits(block.text, page)):
            # Letters the code page lacks (ł, ş, Cyrillic) or right-to-left Arabic: the
            # line as a picture, shaped and ordered (hardware.rtl), never as '?'.
            printer.set(align="center")
            printer.image(text_image(block, width or LOGO_MAX_DOTS * 3 // 2), center=False)
        elif isinstance(block, TextBlock):
            printer.set(
                align=block.align,
                bold=block.bold,
                custom_size=True,
                width=block.width_scale,
                height=block.height_scale,
            )
            printer.textln(block.text)
        elif isinstance(block, GapBlock):
            printer.set(custom_size=True, width=1, height=1)
            printer.ln(block.lines)
        elif isinstance(block, QrBlock):
            printer.set(align="center")
            if native_qr:
                printer.qr(block.payload, ec=QR_ECLEVEL_M, size=QR_MODULE_DOTS, native=True)
                printer.ln()
            else:
                printer.qr(
                    block.payload,
                    ec=QR_ECLEVEL_M,
                    size=QR_MODULE_DOTS,
                    native=False,
                    center=width is not None,
                )
        elif isinstance(block, LogoBlock):
            max_dots = min(width or LOGO_MAX_DOTS, LOGO_MAX_DOTS)
            printer.image(_logo_image(block.path, max_dots), center=width is not None)
    printer.set(align="left", bold=False, custom_size=True, width=1, height=1)
    printer.cut()
