"""Decodes an ESC/POS byte stream the way an Epson receipt printer would print it.

Produces a picture of the paper (PIL image) and a structured record of what was printed,
so tests can check a ticket as a visitor would read it. Status requests (DLE EOT n, GS r n)
are answered through a callback, as a printer answers on the same connection.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import qrcode
from PIL import Image, ImageDraw, ImageFont, ImageOps

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C

# ESC t n -> Python codec, for the Epson tables python-escpos profiles use.
CODE_PAGES: dict[int, str] = {
    0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 13: "cp857", 14: "cp737",
    15: "iso8859_7", 16: "cp1252", 17: "cp866", 18: "cp852", 19: "cp858", 39: "iso8859_2",
    40: "iso8859_15", 45: "cp1250", 46: "cp1251", 47: "cp1253", 48: "cp1254", 49: "cp1255",
    50: "cp1256", 51: "cp1257", 52: "cp1258",
}  # fmt: skip
_QR_EC = {48: qrcode.constants.ERROR_CORRECT_L, 49: qrcode.constants.ERROR_CORRECT_M,
          50: qrcode.constants.ERROR_CORRECT_Q, 51: qrcode.constants.ERROR_CORRECT_H}  # fmt: skip
_FONT_CELLS = {0: (12, 24), 1: (9, 17)}
_DEFAULT_LINE_SPACING = 30
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "C:/Windows/Fonts")

# Status kinds handed to the status callback.
STATUS_DLE_EOT = "dle_eot"
STATUS_GS_R = "gs_r"
StatusCallback = Callable[[str, int], bytes | None]


class _NeedMore(Exception):
    pass


@dataclass(frozen=True)
class TextStyle:
    bold: bool = False
    underline: int = 0
    width: int = 1
    height: int = 1
    align: str = "left"
    font: int = 0
    invert: bool = False
    upside_down: bool = False
    code_page: str = "cp437"


@dataclass(frozen=True)
class PrintedLine:
    text: str
    style: TextStyle  # style of the line's largest run
    runs: tuple[tuple[str, TextStyle], ...] = ()


@dataclass
class Receipt:
    lines: list[PrintedLine] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    raster_images: list[tuple[int, int]] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)
    cuts: int = 0
    unknown_commands: list[bytes] = field(default_factory=list)
    image: Image.Image | None = None

    @property
    def text_lines(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def text(self) -> str:
        return "\n".join(self.text_lines)

    def is_empty(self) -> bool:
        return not (self.lines or self.qr_payloads or self.raster_images or self.barcodes)


def _font_path(bold: bool) -> str | None:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    for folder in _FONT_DIRS:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    return None


_font_cache: dict[tuple[bool, int], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}


def _font(bold: bool, cell_height: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    key = (bold, cell_height)
    if key not in _font_cache:
        size = round(cell_height * 0.82)
        path = _font_path(bold)
        _font_cache[key] = (
            ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)
        )
    return _font_cache[key]


class EscposDecoder:
    def __init__(self, width_dots: int = 576, status: StatusCallback | None = None) -> None:
        self.width = width_dots
        self.status = status
        self.receipts: list[Receipt] = []
        self._buf = b""
        self._reset_state()
        self._new_receipt()

    # -- state -----------------------------------------------------------------------------

    def _reset_state(self) -> None:
        self.style = TextStyle()
        self.line_spacing = _DEFAULT_LINE_SPACING
        self._runs: list[tuple[str, TextStyle]] = []
        self._qr_model_size = 3
        self._qr_ec = 48
        self._qr_data = b""
        self._graphics: Image.Image | None = None

    def _new_receipt(self) -> None:
        self._receipt = Receipt()
        self._rows: list[Image.Image] = []

    # -- public ----------------------------------------------------------------------------

    def feed(self, data: bytes) -> bytes:
        """Consume bytes; returns what the printer sends back (status replies)."""
        self._buf += data
        replies = bytearray()
        i = 0
        while i < len(self._buf):
            try:
                i, reply = self._step(i)
            except _NeedMore:
                break
            if reply:
                replies += reply
        self._buf = self._buf[i:]
        return bytes(replies)

    def finish(self) -> Receipt | None:
        """End of the connection: whatever is on the paper but not cut yet becomes a receipt."""
        self._flush_line(force=False)
        if self._receipt.is_empty():
            return None
        return self._close_receipt()

    # -- parsing ---------------------------------------------------------------------------

    def _need(self, i: int, n: int) -> bytes:
        if i + n > len(self._buf):
            raise _NeedMore
        return self._buf[i : i + n]

    def _step(self, i: int) -> tuple[int, bytes | None]:
        b = self._buf[i]
        if b == ESC:
            return self._esc(i)
        if b == GS:
            return self._gs(i)
        if b == DLE:
            return self._dle(i)
        if b == FS:
            cmd = self._need(i, 2)[1]
            if cmd == ord("C"):
                self._need(i, 3)
                return i + 3, None
            return i + 2, None
        if b == 0x0A:
            self._flush_line(force=True)
        elif b == 0x0C:
            self._flush_line(force=False)
        elif b == 0x09:
            pending = sum(len(t) for t, _ in self._runs)
            self._add_text(" " * (8 - pending % 8))
        elif b >= 0x20:
            j = i
            while j < len(self._buf) and self._buf[j] >= 0x20 and self._buf[j] != 0x7F:
                j += 1
            self._add_text(self._buf[i:j].decode(self.style.code_page, errors="replace"))
            return j, None
        # CR and other controls: Epson ignores CR unless auto line feed is on.
        return i + 1, None

    def _esc(self, i: int) -> tuple[int, bytes | None]:
        cmd = self._need(i, 2)[1]
        s = self.style
        one_arg = {
            ord("!"), ord("E"), ord("G"), ord("-"), ord("a"), ord("M"), ord("3"), ord("t"),
            ord("d"), ord("J"), ord("{"), ord("V"), ord(" "), ord("R"), ord("="), ord("e"),
            ord("U"), ord("r"), ord("S"), ord("T"), ord("L"), ord("c"),
        }  # fmt: skip
        if cmd == ord("@"):
            self._flush_line(force=False)
            self._reset_state()
            return i + 2, None
        if cmd == ord("2"):
            self.line_spacing = _DEFAULT_LINE_SPACING
            return i + 2, None
        if cmd == ord("p"):
            self._need(i, 5)
            return i + 5, None
        if cmd == ord("$") or cmd == ord("\\"):
            self._need(i, 4)
            return i + 4, None
        if cmd == ord("D"):
            end = self._buf.find(b"\x00", i + 2)
            if end < 0:
                raise _NeedMore
            return end + 1, None
        if cmd == ord("*"):
            return self._esc_star(i)
        if cmd == ord("c"):
            self._need(i, 4)
            return i + 4, None
        if cmd not in one_arg:
            self._receipt.unknown_commands.append(self._buf[i : i + 2])
            return i + 2, None
        n = self._need(i, 3)[2]
        if cmd == ord("!"):
            self.style = replace(
                s,
                font=n & 1,
                bold=bool(n & 0x08),
                height=2 if n & 0x10 else 1,
                width=2 if n & 0x20 else 1,
                underline=1 if n & 0x80 else 0,
            )
        elif cmd in (ord("E"), ord("G")):
            self.style = replace(s, bold=bool(n & 1))
        elif cmd == ord("-"):
            self.style = replace(s, underline=n % 48 if n >= 48 else n)
        elif cmd == ord("a"):
            self.style = replace(s, align=("left", "center", "right")[(n % 48) % 3])
        elif cmd == ord("M"):
            self.style = replace(s, font=(n % 48) & 1)
        elif cmd == ord("3"):
            self.line_spacing = n
        elif cmd == ord("t"):
            self.style = replace(s, code_page=CODE_PAGES.get(n, "cp437"))
        elif cmd == ord("d"):
            self._flush_line(force=True)
            self._feed_dots(self.line_spacing * max(n - 1, 0))
        elif cmd == ord("J"):
            self._flush_line(force=False)
            self._feed_dots(n)
        elif cmd == ord("{"):
            self.style = replace(s, upside_down=bool(n & 1))
        return i + 3, None

    def _gs(self, i: int) -> tuple[int, bytes | None]:
        cmd = self._need(i, 2)[1]
        if cmd == ord("("):
            head = self._need(i, 5)
            length = head[3] | head[4] << 8
            body = self._need(i + 5, length)
            self._gs_paren(head[2], body)
            return i + 5 + length, None
        if cmd == ord("v"):
            head = self._need(i, 8)
            mode = head[3]
            wbytes, rows = head[4] | head[5] << 8, head[6] | head[7] << 8
            data = self._need(i + 8, wbytes * rows)
            img = _raster_image(data, wbytes, rows)
            if mode & 1:
                img = img.resize((img.width * 2, img.height))
            if mode & 2:
                img = img.resize((img.width, img.height * 2))
            self._receipt.raster_images.append(img.size)
            self._flush_line(force=False)
            self._add_row(img, self.style.align)
            return i + 8 + wbytes * rows, None
        if cmd == ord("V"):
            m = self._need(i, 3)[2]
            size = 4 if m in (65, 66, 97, 98, 103, 104) else 3
            self._need(i, size)
            self._flush_line(force=False)
            self._receipt.cuts += 1
            self._close_receipt()
            return i + size, None
        if cmd == ord("r"):
            n = self._need(i, 3)[2]
            return i + 3, self._status(STATUS_GS_R, n % 48 if n >= 48 else n)
        if cmd == ord("I"):
            n = self._need(i, 3)[2]
            return i + 3, _printer_id(n)
        if cmd == ord("k"):
            return self._gs_k(i)
        if cmd in (ord("L"), ord("W"), ord("P"), ord("\\")):
            self._need(i, 4)
            return i + 4, None
        if cmd == ord("!"):
            n = self._need(i, 3)[2]
            self.style = replace(self.style, width=(n >> 4) + 1, height=(n & 0x0F) + 1)
            return i + 3, None
        if cmd == ord("B"):
            n = self._need(i, 3)[2]
            self.style = replace(self.style, invert=bool(n & 1))
            return i + 3, None
        if cmd in (ord("b"), ord("a"), ord("H"), ord("f"), ord("h"), ord("w"), ord("E")):
            self._need(i, 3)
            return i + 3, None
        self._receipt.unknown_commands.append(self._buf[i : i + 2])
        return i + 2, None

    def _dle(self, i: int) -> tuple[int, bytes | None]:
        cmd = self._need(i, 2)[1]
        if cmd == 0x04:  # EOT: real-time status, answered even mid-job
            n = self._need(i, 3)[2]
            return i + 3, self._status(STATUS_DLE_EOT, n)
        if cmd == 0x05:  # ENQ: real-time request, no reply
            self._need(i, 3)
            return i + 3, None
        if cmd == 0x14:  # DC4: real-time pulse / power off etc.
            self._need(i, 5)
            return i + 5, None
        return i + 1, None

    def _esc_star(self, i: int) -> tuple[int, bytes | None]:
        head = self._need(i, 5)
        mode, cols = head[2], head[3] | head[4] << 8
        per_col = 3 if mode in (32, 33) else 1
        data = self._need(i + 5, cols * per_col)
        img = Image.new("1", (cols, per_col * 8), 1)
        px = img.load()
        assert px is not None
        for c in range(cols):
            for k in range(per_col):
                byte = data[c * per_col + k]
                for bit in range(8):
                    if byte & (0x80 >> bit):
                        px[c, k * 8 + bit] = 0
        if mode in (0, 32):
            img = img.resize((cols * 2, img.height))
        self._receipt.raster_images.append(img.size)
        self._flush_line(force=False)
        self._add_row(img, self.style.align)
        return i + 5 + cols * per_col, None

    def _gs_k(self, i: int) -> tuple[int, bytes | None]:
        m = self._need(i, 3)[2]
        if m <= 6:
            end = self._buf.find(b"\x00", i + 3)
            if end < 0:
                raise _NeedMore
            data, nxt = self._buf[i + 3 : end], end + 1
        else:
            n = self._need(i, 4)[3]
            data, nxt = self._need(i + 4, n), i + 4 + n
        text = data.decode("latin-1")
        self._receipt.barcodes.append(text)
        self._flush_line(force=False)
        self._add_text(f"|||| {text} ||||")
        self._flush_line(force=True)
        return nxt, None

    def _gs_paren(self, kind: int, body: bytes) -> None:
        if kind == ord("k") and len(body) >= 2 and body[0] == 49:  # cn 49 = QR Code
            fn, args = body[1], body[2:]
            if fn == 67 and args:
                self._qr_model_size = max(1, min(16, args[0]))
            elif fn == 69 and args:
                self._qr_ec = args[0]
            elif fn == 80:
                self._qr_data = args[1:]
            elif fn == 81:
                self._print_qr()
        elif kind == ord("L") and len(body) >= 2:
            fn = body[1]
            if fn == 112 and len(body) >= 10:  # store raster graphics
                width, height = body[6] | body[7] << 8, body[8] | body[9] << 8
                wbytes = (width + 7) // 8
                img = _raster_image(body[10:], wbytes, height).crop((0, 0, width, height))
                if body[3] == 2:
                    img = img.resize((img.width * 2, img.height))
                if body[4] == 2:
                    img = img.resize((img.width, img.height * 2))
                self._graphics = img
            elif fn == 50 and self._graphics is not None:  # print stored graphics
                self._receipt.raster_images.append(self._graphics.size)
                self._flush_line(force=False)
                self._add_row(self._graphics, self.style.align)
                self._graphics = None

    def _print_qr(self) -> None:
        if not self._qr_data:
            return
        code = qrcode.QRCode(
            box_size=self._qr_model_size,
            border=4,
            error_correction=_QR_EC.get(self._qr_ec, qrcode.constants.ERROR_CORRECT_L),
        )
        code.add_data(self._qr_data)
        code.make(fit=True)
        img = code.make_image().get_image().convert("1")
        self._receipt.qr_payloads.append(self._qr_data.decode("utf-8", errors="replace"))
        self._flush_line(force=False)
        self._add_row(img, self.style.align)

    def _status(self, kind: str, n: int) -> bytes | None:
        if self.status is None:
            return None
        return self.status(kind, n)

    # -- rendering -------------------------------------------------------------------------

    def _add_text(self, text: str) -> None:
        self._runs.append((text, self.style))

    def _feed_dots(self, dots: int) -> None:
        if dots > 0:
            self._rows.append(Image.new("1", (self.width, dots), 1))

    def _add_row(self, img: Image.Image, align: str) -> None:
        img = img.convert("1")
        if img.width > self.width:
            img = img.crop((0, 0, self.width, img.height))
        row = Image.new("1", (self.width, img.height), 1)
        x = {"left": 0, "center": (self.width - img.width) // 2, "right": self.width - img.width}
        row.paste(img, (x.get(align, 0), 0))
        self._rows.append(row)

    def _flush_line(self, *, force: bool) -> None:
        """Print the line buffer; `force` (LF) feeds one line even when it is empty."""
        runs = [(t, s) for t, s in self._runs if t]
        self._runs = []
        if not runs:
            if force:
                self._feed_dots(self.line_spacing)
            return
        images = [_render_run(text, style) for text, style in runs]
        height = max(img.height for img in images)
        line = Image.new("1", (sum(img.width for img in images), height), 1)
        x = 0
        for img in images:
            line.paste(img, (x, height - img.height))
            x += img.width
        spacing = max(self.line_spacing - _FONT_CELLS[0][1], 0)
        self._add_row(line, runs[0][1].align)
        self._feed_dots(spacing)
        largest = max(runs, key=lambda r: r[1].width * r[1].height)[1]
        text = "".join(t for t, _ in runs).rstrip()
        self._receipt.lines.append(PrintedLine(text, largest, tuple(runs)))

    def _close_receipt(self) -> Receipt:
        receipt = self._receipt
        height = sum(r.height for r in self._rows) or 1
        paper = Image.new("1", (self.width, height), 1)
        y = 0
        for row in self._rows:
            paper.paste(row, (0, y))
            y += row.height
        receipt.image = paper.convert("L")
        self.receipts.append(receipt)
        self._new_receipt()
        return receipt


def _raster_image(data: bytes, wbytes: int, rows: int) -> Image.Image:
    # ESC/POS raster: 1 = black dot; PIL mode "1" raw: 1 = white, hence the inversion.
    img = Image.frombytes("1", (wbytes * 8, rows), bytes(data))
    return ImageOps.invert(img.convert("L")).convert("1")


def _render_run(text: str, style: TextStyle) -> Image.Image:
    cell_w, cell_h = _FONT_CELLS[style.font]
    img = Image.new("L", (max(len(text), 1) * cell_w, cell_h), 255)
    draw = ImageDraw.Draw(img)
    font = _font(style.bold, cell_h)
    for k, ch in enumerate(text):
        draw.text((k * cell_w + cell_w / 2, cell_h * 0.45), ch, fill=0, font=font, anchor="mm")
    if style.underline:
        draw.line([(0, cell_h - 2), (img.width, cell_h - 2)], fill=0, width=style.underline)
    if style.width > 1 or style.height > 1:
        img = img.resize(
            (img.width * style.width, img.height * style.height), Image.Resampling.BICUBIC
        )
    if style.invert:
        img = ImageOps.invert(img)
    if style.upside_down:
        img = img.rotate(180)
    return img.point(lambda v: 255 if v > 128 else 0).convert("1")


def _printer_id(n: int) -> bytes:
    if n in (1, 49):
        return b"\x20"  # model ID of a TM-T20-class printer
    if n in (2, 50):
        return b"\x02"  # type: autocutter, no multi-byte fonts
    if n in (3, 51):
        return b"\x10"
    names = {65: b"1.00 ESC/POS", 66: b"EPSON", 67: b"TM-T20II", 68: b"LOKETEMU0001"}
    if n in names:
        return b"_" + names[n] + b"\x00"
    return b""
