"""The waiting-room display: the latest call very large, recent calls, waits per service.

Live: every PC's call arrives through the event feed (``kiosk.live_feed.LiveFeed``); the
display then re-reads its state through the services and lets the announcer chime and
speak the call. Text sizes follow from the screen's real size and the distance visitors
sit at (``kiosk.accessibility``): the smallest letter is at least distance / 200 high.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont, QFontMetricsF, QGuiApplication
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hardware.announcer import Announcer
from kiosk.accessibility import min_letter_height_mm
from kiosk.i18n import Translations
from kiosk.kiosk_window import UNAVAILABLE
from kiosk.settings import DisplaySettings
from kiosk.theme import display_stylesheet
from loket.services import Loket
from loket.views import DisplayCall, DisplayState, EventRecord

log = logging.getLogger(__name__)
FAMILY = "DejaVu Sans"
CALL_EVENTS = ("ticket.called", "ticket.recalled")
RECENT_ROWS = 4
WAIT_ROWS = 4


def pixel_size_for_cap_height(cap_px: float, family: str = FAMILY, bold: bool = False) -> int:
    """The smallest font pixel size whose capital letters are at least ``cap_px`` high."""
    size = max(4, int(cap_px))
    while True:
        font = QFont(family)
        font.setPixelSize(size)
        font.setBold(bold)
        if QFontMetricsF(font).capHeight() >= cap_px:
            return size
        size += 1


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont(FAMILY)
    font.setPixelSize(px)
    font.setBold(bold)
    return font


class DisplayWindow(QWidget):
    def __init__(
        self,
        loket: Loket,
        settings: DisplaySettings,
        *,
        announcer: Announcer | None = None,
        feed: QObject | None = None,
        translations: Translations | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.loket = loket.as_device(settings.workstation, "display")
        self.announcer = announcer
        self.translations = translations or Translations()
        self.state: DisplayState | None = None
        self.page = 0
        self.setObjectName("displayRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle("Loket — wachtkamerscherm")
        self.setStyleSheet(display_stylesheet())

        # The smallest text, from the rule: cap height >= viewing distance / 200.
        cap_px = min_letter_height_mm(settings.viewing_distance_m) * settings.px_per_mm
        self.base_px = pixel_size_for_cap_height(cap_px)
        base = self.base_px

        self.place = self._label(base, bold=True)
        self.clock = self._label(base, bold=True, align=Qt.AlignmentFlag.AlignRight)
        header = QHBoxLayout()
        header.addWidget(self.place, 1)
        header.addWidget(self.clock)

        self.call_panel = QFrame()
        self.call_panel.setObjectName("callPanel")
        self.call_caption = self._label(base)
        self.call_who = self._label(int(base * 4.2), bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.call_counter = self._label(
            int(base * 2.2), bold=True, align=Qt.AlignmentFlag.AlignCenter
        )
        call = QVBoxLayout(self.call_panel)
        call.setContentsMargins(32, 16, 32, 16)
        call.addWidget(self.call_caption)
        call.addStretch(1)
        call.addWidget(self.call_who)
        call.addWidget(self.call_counter)
        call.addStretch(1)

        self.recent_panel = QFrame()
        self.recent_panel.setObjectName("recentPanel")
        self.recent_caption = self._label(base)
        self.recent_rows = [
            (
                self._label(int(base * 1.25), bold=True),
                self._label(int(base * 1.25), align=Qt.AlignmentFlag.AlignRight),
            )
            for _ in range(RECENT_ROWS)
        ]
        recent = QGridLayout(self.recent_panel)
        recent.setContentsMargins(32, 16, 32, 16)
        recent.addWidget(self.recent_caption, 0, 0, 1, 2)
        for i, (who, where) in enumerate(self.recent_rows, start=1):
            recent.addWidget(who, i, 0)
            recent.addWidget(where, i, 1)
        recent.setRowStretch(RECENT_ROWS + 1, 1)

        calls = QHBoxLayout()
        calls.setSpacing(24)
        calls.addWidget(self.call_panel, 3)
        calls.addWidget(self.recent_panel, 2)

        self.wait_panel = QFrame()
        self.wait_panel.setObjectName("waitPanel")
        self.wait_caption = self._label(base)
        self.wait_page = self._label(base, align=Qt.AlignmentFlag.AlignRight)
        self.wait_rows = [
            (
                self._label(base, bold=True),
                self._label(base),
                self._label(base, align=Qt.AlignmentFlag.AlignRight),
                self._label(base, align=Qt.AlignmentFlag.AlignRight),
            )
            for _ in range(WAIT_ROWS)
        ]
        waits = QGridLayout(self.wait_panel)
        waits.setContentsMargins(32, 12, 32, 12)
        waits.setVerticalSpacing(4)
        waits.setHorizontalSpacing(48)
        waits.addWidget(self.wait_caption, 0, 0, 1, 3)
        waits.addWidget(self.wait_page, 0, 3)
        for i, row in enumerate(self.wait_rows, start=1):
            for j, widget in enumerate(row):
                waits.addWidget(widget, i, j)
        waits.setColumnStretch(1, 1)

        self.info = self._label(base, wrap=True)
        self.info.setProperty("kind", "muted")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 20)
        layout.setSpacing(16)
        layout.addLayout(header)
        layout.addLayout(calls, 1)
        layout.addWidget(self.wait_panel)
        layout.addWidget(self.info)

        self.fresh_timer = QTimer(self)
        self.fresh_timer.setSingleShot(True)
        self.fresh_timer.timeout.connect(lambda: self._set_fresh(False))
        self.page_timer = QTimer(self)
        self.page_timer.timeout.connect(self._next_page)
        self.page_timer.start(settings.page_seconds * 1000)
        # The feed brings every change; this catches a missed one and moves the clock.
        self.refresh_timer = QTimer(self)
        self.refresh_timer.timeout.connect(self.refresh)
        self.refresh_timer.start(settings.refresh_seconds * 1000)
        if feed is not None:
            feed.events.connect(self.on_events)  # type: ignore[attr-defined]
        self.resize(settings.screen_width_px, settings.screen_height_px)
        self.refresh()

    def _label(
        self,
        px: int,
        *,
        bold: bool = False,
        wrap: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> QLabel:
        widget = QLabel()
        widget.setFont(_font(px, bold))
        widget.setWordWrap(wrap)
        widget.setTextFormat(Qt.TextFormat.PlainText)
        widget.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        return widget

    @property
    def language(self) -> str:
        return self.translations.language

    def set_language(self, language: str) -> None:
        self.translations.set_language(language)
        self.show_state()

    # -- data ----------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            self.state = self.loket.display_state(self.settings.branch)
        except UNAVAILABLE as exc:
            # Keep showing the last state; the next event or refresh tries again.
            log.warning("display cannot read the queue: %s", type(exc).__name__)
            return
        self.show_state()

    def on_events(self, records: list[EventRecord]) -> None:
        if not any(r["kind"].startswith(("ticket.", "appointment.")) for r in records):
            return
        self.refresh()
        if self.state is None:
            return
        calls = [
            r
            for r in records
            if r["kind"] in CALL_EVENTS and r["branch_id"] == self.state.branch_id
        ]
        # Only visitors who chose it have a display name; everyone else is a number.
        names = {c.number: c.display_name for c in self.state.calls if c.display_name}
        for record in calls:
            data = record.get("data") or {}
            if self.announcer is not None and data.get("counter") is not None:
                number = str(data.get("number"))
                self.announcer.announce(
                    number,
                    data["counter"],
                    "en" if self.language == "en" else "nl",
                    name=names.get(number),
                )
        if calls:
            self._set_fresh(True)
            self.fresh_timer.start(self.settings.highlight_seconds * 1000)

    def _set_fresh(self, fresh: bool) -> None:
        self.call_panel.setProperty("fresh", "true" if fresh else "false")
        for widget in (self.call_panel, *self.call_panel.findChildren(QLabel)):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def _next_page(self) -> None:
        self.page += 1
        self.show_state()

    # -- showing ------------------------------------------------------------------------

    def _who(self, call: DisplayCall) -> str:
        # The name only when the visitor asked for it (the core gives no name otherwise).
        return call.display_name or call.number

    def _counter(self, call: DisplayCall) -> str:
        return self.tr("Balie {number}").format(number=call.counter) if call.counter else ""

    def show_state(self) -> None:
        state = self.state
        self.call_caption.setText(self.tr("Nu aan de beurt"))
        self.recent_caption.setText(self.tr("Eerder opgeroepen"))
        self.wait_caption.setText(self.tr("Wachtrij"))
        if state is None:
            return
        self.place.setText(state.branch_name)
        self.clock.setText(f"{self.loket.now():%H:%M}")
        if state.calls:
            latest = state.calls[0]
            self._fit(self.call_who, self._who(latest), int(self.base_px * 4.2))
            self.call_counter.setText(self._counter(latest))
            self.call_panel.setAccessibleName(f"{self._who(latest)} {self._counter(latest)}")
        else:
            self._fit(self.call_who, "", int(self.base_px * 4.2))
            self.call_counter.setText(self.tr("Even geduld, u wordt zo geroepen"))
            self.call_counter.setFont(_font(self.base_px))
        for i, (who, where) in enumerate(self.recent_rows, start=1):
            call = state.calls[i] if i < len(state.calls) else None
            who.setText(self._who(call) if call else "")
            where.setText(self._counter(call) if call else "")
        shown = [s for s in state.services if s.walk_in or s.waiting]
        pages = max(1, -(-len(shown) // WAIT_ROWS))
        self.page %= pages
        page = shown[self.page * WAIT_ROWS : (self.page + 1) * WAIT_ROWS]
        self.wait_page.setText(f"{self.page + 1}/{pages}" if pages > 1 else "")
        for i, (prefix, name, waiting, minutes) in enumerate(self.wait_rows):
            service = page[i] if i < len(page) else None
            prefix.setText(service.prefix if service else "")
            name.setText(service.name(self.language) if service else "")
            waiting.setText(self.tr("{n} wachtend").format(n=service.waiting) if service else "")
            if service is None:
                minutes.setText("")
            elif service.waiting == 0:
                minutes.setText(self.tr("geen wachttijd"))
            else:
                minutes.setText(self.tr("± {m} min").format(m=service.expected_wait_minutes))
        self.info.setText(state.info_line(self.language))
        self.info.setVisible(bool(state.info_line(self.language)))

    def _fit(self, widget: QLabel, text: str, largest: int) -> None:
        """Shrink a long name to fit its panel, never below the readable minimum."""
        room = max(200, self.call_panel.width() - 80) if self.call_panel.width() > 300 else 1000
        px = largest
        while px > self.base_px and QFontMetricsF(_font(px, True)).horizontalAdvance(text) > room:
            px -= 4
        widget.setFont(_font(max(px, self.base_px), True))
        widget.setText(text)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.show_state()

    def show_on_screen(self) -> None:
        """Fullscreen on the configured monitor; the first one if that is not there."""
        screens = QGuiApplication.screens()
        index = self.settings.screen_index if self.settings.screen_index < len(screens) else 0
        if index != self.settings.screen_index:
            log.warning(
                "screen %d not found; the display uses screen %d", self.settings.screen_index, index
            )
        screen = screens[index]
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        if self.settings.fullscreen:
            self.setWindowFlags(Qt.WindowType.FramelessWindowHint)
            self.showFullScreen()
        else:
            self.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        for timer in (self.fresh_timer, self.page_timer, self.refresh_timer):
            timer.stop()
        event.accept()
