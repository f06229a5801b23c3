"""Colours, style sheets and pictograms of the public screens, normal and high contrast."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

ASSETS = Path(__file__).resolve().parent.parent / "assets"
STYLES = ASSETS / "styles"
ICONS = ASSETS / "icons"
# The pictograms are drawn in this colour; it is swapped for the theme's icon colour.
ICON_INK = "#1B2A41"

KIOSK_PALETTES: dict[str, dict[str, str]] = {
    "normal": {
        "bg": "#F4F1EA", "text": "#1B2A41", "muted": "#3D4A5C", "surface": "#FFFFFF",
        "border": "#1B2A41", "pressed": "#D9E2EC", "primary": "#1D4E89",
        "primary_text": "#FFFFFF", "primary_pressed": "#163B68", "banner": "#1E5631",
        "banner_text": "#FFFFFF", "warn_bg": "#FFF1D6", "warn_border": "#8A5300",
        "header_bg": "#1B2A41", "header_text": "#FFFFFF", "icon": "#1B2A41",
    },
    # Black, white and yellow only: the highest contrast that still shows what is a button.
    "contrast": {
        "bg": "#000000", "text": "#FFFFFF", "muted": "#FFFFFF", "surface": "#000000",
        "border": "#FFFF00", "pressed": "#333333", "primary": "#FFFF00",
        "primary_text": "#000000", "primary_pressed": "#FFFFFF", "banner": "#FFFF00",
        "banner_text": "#000000", "warn_bg": "#000000", "warn_border": "#FFFF00",
        "header_bg": "#000000", "header_text": "#FFFF00", "icon": "#FFFFFF",
    },
}  # fmt: skip

DISPLAY_PALETTE: dict[str, str] = {
    "bg": "#0B1D33", "text": "#FFFFFF", "muted": "#D6E2F0", "panel": "#13294A",
    "highlight": "#FFD43B", "highlight_text": "#0B1D33", "accent": "#FFD43B",
}  # fmt: skip


def _fill(template: str, palette: dict[str, str]) -> str:
    # Longest names first, so @primary_text is not read as @primary + "_text".
    for name in sorted(palette, key=len, reverse=True):
        template = template.replace(f"@{name}", palette[name])
    return template


def kiosk_stylesheet(theme: str = "normal") -> str:
    return _fill((STYLES / "kiosk.qss").read_text(encoding="utf-8"), KIOSK_PALETTES[theme])


def display_stylesheet() -> str:
    return _fill((STYLES / "display.qss").read_text(encoding="utf-8"), DISPLAY_PALETTE)


@lru_cache(maxsize=256)
def _svg(name: str, colour: str) -> QByteArray:
    path = ICONS / f"{name}.svg"
    if not path.exists():
        path = ICONS / "document.svg"  # an unknown icon name still shows a calm pictogram
    return QByteArray(path.read_text(encoding="utf-8").replace(ICON_INK, colour).encode())


def pictogram(name: str, size: int, colour: str = ICON_INK) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(_svg(name, colour))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap
