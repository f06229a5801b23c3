"""Per-PC settings of the public screens: which branch, which screen, how big it is."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.accessibility import MIN_TOUCH_MM, mm_to_px, screen_dpi


@dataclass(frozen=True)
class KioskSettings:
    branch: str
    workstation: str = "kiosk-1"
    # A 23.8" full-HD touch screen in landscape is the usual kiosk; set the real one.
    screen_diagonal_inch: float = 23.8
    screen_width_px: int = 1920
    screen_height_px: int = 1080
    idle_seconds: int = 60
    thanks_seconds: int = 8
    staff_press_ms: int = 3000
    fullscreen: bool = True
    # Locked: closing needs a manager or admin (the demo runs unlocked).
    locked: bool = True
    high_contrast: bool = False
    # Less paper: ask "Bonnetje printen" or "Alleen op het scherm" ([pc] screen_only).
    offer_screen_only: bool = False

    @property
    def dpi(self) -> float:
        return screen_dpi(self.screen_diagonal_inch, self.screen_width_px, self.screen_height_px)

    @property
    def touch_px(self) -> int:
        """Smallest button side: 15 mm plus a 3 mm margin for unsteady hands."""
        return mm_to_px(MIN_TOUCH_MM + 3, self.dpi)

    @property
    def key_px(self) -> int:
        return mm_to_px(24, self.dpi)


@dataclass(frozen=True)
class DisplaySettings:
    branch: str
    workstation: str = "display-1"
    screen_index: int = 1  # a second monitor is common; falls back to the first
    screen_diagonal_inch: float = 55.0
    screen_width_px: int = 1920
    screen_height_px: int = 1080
    viewing_distance_m: float = 5.0
    language: str = "nl"
    highlight_seconds: int = 10
    page_seconds: int = 10
    refresh_seconds: int = 30
    fullscreen: bool = True

    @property
    def px_per_mm(self) -> float:
        return (
            screen_dpi(self.screen_diagonal_inch, self.screen_width_px, self.screen_height_px)
            / 25.4
        )
