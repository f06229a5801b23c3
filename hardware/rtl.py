"""Right-to-left text for the printer and the ticket picture.

ESC/POS printers and Pillow's basic text layout draw characters one after another, left to
right, in the form they are given. Arabic needs two steps first: *shaping* (each letter
takes its joined form: initial, medial, final or isolated; arabic-reshaper) and
*reordering* into the visual order of the line (the Unicode bidirectional algorithm;
python-bidi), so right-to-left words read from the right while numbers and ticket codes
("A 12", "09:30") stay left to right.
"""

from __future__ import annotations

import unicodedata


def is_rtl(text: str) -> bool:
    """Whether the text holds right-to-left letters (Arabic, Hebrew)."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def visual(text: str) -> str:
    """The line as it must be drawn left to right: shaped and in visual order."""
    import arabic_reshaper
    from bidi import get_display

    return str(get_display(arabic_reshaper.reshape(text), base_dir="R"))
