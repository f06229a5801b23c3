"""Measurable accessibility rules for the public screens (EN 301 549 / WCAG 2.x).

- Touch targets: at least 15 mm on the kiosk's real screen, computed from its DPI.
- Contrast: text at least 7:1 (WCAG 2.x AAA, 1.4.6), read from the style sheet itself,
  so a colour changed in the .qss is checked without anyone remembering to.
- Display letters: a capital letter (or digit) at least ``distance / 200`` high, i.e.
  25 mm for a visitor 5 m from the screen. The rule of thumb for signage is 1:200 for
  comfortable reading of short texts; digits and capitals are what visitors read on a
  queue display, so cap height is the measure, not the font's em size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontMetricsF

MM_PER_INCH = 25.4
MIN_TOUCH_MM = 15.0
MIN_CONTRAST = 7.0
LETTER_RULE = 200  # viewing distance / letter height


def screen_dpi(diagonal_inch: float, width_px: int, height_px: int) -> float:
    """Pixels per inch of a screen from its size, e.g. 23.8" at 1920x1080 is 92.6 dpi."""
    return (width_px**2 + height_px**2) ** 0.5 / diagonal_inch


def mm_to_px(mm: float, dpi: float) -> int:
    return int(-(-mm * dpi // MM_PER_INCH))  # round up: never smaller than asked


def px_to_mm(px: float, dpi: float) -> float:
    return px * MM_PER_INCH / dpi


def min_letter_height_mm(distance_m: float) -> float:
    return distance_m * 1000 / LETTER_RULE


def cap_height_px(font: QFont) -> float:
    return QFontMetricsF(font).capHeight()


# -- contrast ---------------------------------------------------------------------------


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = parse_colour(colour)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


_NAMED = {"white": "#ffffff", "black": "#000000"}


def parse_colour(text: str) -> tuple[int, int, int]:
    text = _NAMED.get(text.strip().lower(), text.strip())
    m = re.fullmatch(r"#([0-9a-fA-F]{6})", text)
    if not m:
        raise ValueError(f"only #rrggbb colours are checked, not {text!r}")
    v = m.group(1)
    return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)


@dataclass(frozen=True)
class ColourPair:
    selector: str
    foreground: str
    background: str

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.foreground, self.background)


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def stylesheet_rules(qss: str) -> list[tuple[str, dict[str, str]]]:
    rules = []
    for selector, body in _RULE.findall(_COMMENT.sub("", qss)):
        decls = {}
        for part in body.split(";"):
            if ":" in part:
                key, value = part.split(":", 1)
                decls[key.strip().lower()] = value.strip()
        rules.append((" ".join(selector.split()), decls))
    return rules


def _background(decls: dict[str, str]) -> str | None:
    value = decls.get("background-color") or decls.get("background")
    if value and re.fullmatch(r"#[0-9a-fA-F]{6}|white|black", value.strip()):
        return value.strip()
    return None


def text_colour_pairs(qss: str, root_selector: str) -> list[ColourPair]:
    """Every text colour in the sheet with the background it is drawn on.

    A rule without its own background is drawn on the root's (``root_selector``): the
    style sheets keep every coloured surface in a rule that also sets the text colour.
    """
    rules = stylesheet_rules(qss)
    root_bg = next((_background(d) for s, d in rules if s == root_selector), None)
    if root_bg is None:
        raise ValueError(f"{root_selector} has no background-color")
    root_fg = next((d.get("color") for s, d in rules if s == root_selector), None)
    backgrounds = {s: _background(d) for s, d in rules}
    pairs = []
    for selector, decls in rules:
        background = _background(decls)
        if background is None and " " in selector:
            # "#panel QLabel": drawn on the panel's surface.
            background = backgrounds.get(selector.rsplit(" ", 1)[0])
        foreground = decls.get("color")
        if foreground is None and background is not None and root_fg is not None:
            foreground = root_fg  # inherited text on its own surface: check it too
        if foreground is None:
            continue
        pairs.append(ColourPair(selector, foreground, background or root_bg))
    return pairs
