"""The waiting-room display: the latest call very large, recent calls, waits per service.

Live: every PC's call arrives through the event feed (``kiosk.live_feed.LiveFeed``); the
feed's thread then re-reads the display's state over the feed's own connection (one
database connection per display) and the announcer chimes and speaks the call. Text
sizes follow from the screen's real size and the distance visitors sit at
(``kiosk.accessibility``): the smallest letter is at least distance / 200 high.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from math import ceil
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont, QFontMetricsF, QGuiApplication
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hardware.announcer import Announcer, spoken_number
from kiosk.accessibility import min_letter_height_mm
from kiosk.fit_text import FitLabel, fits
from kiosk.i18n import Translations
from kiosk.kiosk_window import UNAVAILABLE
from kiosk.settings import DisplaySettings
from kiosk.theme import display_stylesheet
from loket.services import Loket
from loket.views import DisplayCall, DisplayState, EventRecord, ServiceWait
from loket.views.language import SOURCE, language, say, shipped

log = logging.getLogger(__name__)
FAMILY = "DejaVu Sans"
CALL_EVENTS = ("ticket.called", "ticket.recalled")
MIN_REFRESH_MS = 250  # at most four reads of the queue a second, whatever the burst
RETRY_MS = 2000  # after a failed read
OFFLINE_AFTER_SECONDS = 3  # a short blip shows nothing; a real outage a marker
OFFLINE_COLOURS = ("#FFFFFF", "#9B1C1C")  # white with dark red: not the yellow of a call
RECENT_ROWS = 4
# Up to 12 services on one page; beyond that the rows turn pages.
WAIT_ROWS = 12
# Queue rows may shrink to a cap height of distance / 300 (17 mm at 5 m): still readable
# from the back of the room, though less comfortable than the 1:200 of all other text.
FLOOR_RULE = 300
WINDOW_MARGINS = (40, 20, 40, 20)
PANEL_MARGINS = (32, 12, 32, 12)
SPACING = 16
ROW_SPACING = 0
WAIT_SPACING = 32
PORTRAIT_RECENT_ROWS = 3


def _concerns_queue(records: list[EventRecord]) -> bool:
    return any(r["kind"].startswith(("ticket.", "appointment.")) for r in records)


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


def spoken_language(code: str) -> str:
    """The visitor's language when there is a voice for it, else Dutch."""
    return code if code in shipped() and language(code).speech else SOURCE


def call_words(number: str, counter: object, code: str, name: str | None = None) -> str:
    """The spoken call in language ``code``: "Nummer A 12, balie 3" or by name."""
    if name:
        return say(code, "{name}, balie {counter}", name=name, counter=counter)
    return say(
        code,
        "Nummer {number}, balie {counter}",
        number=spoken_number(number, code),
        counter=counter,
    )


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
        self.turn = 0  # which language of turns() the fixed texts are in
        self.pinned: str | None = None
        self.setObjectName("displayRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle("Loket — wachtkamerscherm")
        self.setStyleSheet(display_stylesheet())

        # The comfortable size, from the rule: cap height >= viewing distance / 200; the
        # queue rows may shrink to the floor (distance / FLOOR_RULE) to show every service.
        cap_px = min_letter_height_mm(settings.viewing_distance_m) * settings.px_per_mm
        self.base_px = pixel_size_for_cap_height(cap_px)
        floor_cap = settings.viewing_distance_m * 1000 / FLOOR_RULE * settings.px_per_mm
        self.floor_px = min(self.base_px, pixel_size_for_cap_height(floor_cap))
        base = self.base_px
        self.who_px = int(base * 4.2)
        self.counter_px = int(base * 2.2)
        self.row_px = base

        self.place = self._label(base, bold=True)
        self.clock = self._label(base, bold=True, align=Qt.AlignmentFlag.AlignRight, fit=False)
        if isinstance(self.place, FitLabel):
            self.place.shrink_between(base, self.floor_px)
        # Shown when the display has lost the database for a few seconds: the room sees
        # that the screen is not current, and since when (OFFLINE_AFTER_SECONDS).
        # A little smaller than the header, and the place name may shrink beside it: the
        # branch name stays whole while the marker shows (it was cut to "Gemeentehu…").
        self.offline = self._label(
            int(base * 0.8), bold=True, align=Qt.AlignmentFlag.AlignCenter, fit=False
        )
        self.offline.setObjectName("offlineMarker")
        self.offline.setStyleSheet(
            f"background: {OFFLINE_COLOURS[0]}; color: {OFFLINE_COLOURS[1]};"
            " border-radius: 8px; padding: 4px 16px;"
        )
        self.offline.hide()
        header = QHBoxLayout()
        header.addWidget(self.place, 1)
        header.addWidget(self.offline)
        header.addWidget(self.clock)

        self.call_panel = QFrame()
        self.call_panel.setObjectName("callPanel")
        self.call_caption = self._label(base)
        self.call_who = self._label(self.who_px, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.call_counter = self._label(
            self.counter_px, bold=True, align=Qt.AlignmentFlag.AlignCenter
        )
        call = QVBoxLayout(self.call_panel)
        call.setContentsMargins(*PANEL_MARGINS)
        call.setSpacing(0)
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
                self._label(int(base * 1.25), align=Qt.AlignmentFlag.AlignRight, fit=False),
            )
            for _ in range(RECENT_ROWS)
        ]
        recent = QGridLayout(self.recent_panel)
        recent.setContentsMargins(*PANEL_MARGINS)
        recent.setVerticalSpacing(0)
        recent.setHorizontalSpacing(24)
        recent.addWidget(self.recent_caption, 0, 0, 1, 2)
        for i, (who, where) in enumerate(self.recent_rows, start=1):
            recent.addWidget(who, i, 0)
            recent.addWidget(where, i, 1)
        recent.setColumnStretch(0, 1)
        recent.setRowStretch(RECENT_ROWS + 1, 1)

        # Side by side on a landscape screen, one above the other on a portrait one.
        calls = self.calls_box = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        calls.setSpacing(24)
        calls.addWidget(self.call_panel, 3)
        calls.addWidget(self.recent_panel, 2)

        self.wait_panel = QFrame()
        self.wait_panel.setObjectName("waitPanel")
        self.wait_caption = self._label(base)
        self.wait_page = self._label(base, align=Qt.AlignmentFlag.AlignRight, fit=False)
        self.wait_rows = [
            (
                self._label(base, bold=True, fit=False),
                self._label(base),
                self._label(base, align=Qt.AlignmentFlag.AlignRight, fit=False),
                self._label(base, align=Qt.AlignmentFlag.AlignRight, fit=False),
            )
            for _ in range(WAIT_ROWS)
        ]
        waits = self.waits_grid = QGridLayout(self.wait_panel)
        waits.setContentsMargins(*PANEL_MARGINS)
        waits.setVerticalSpacing(ROW_SPACING)
        waits.setHorizontalSpacing(WAIT_SPACING)
        waits.addWidget(self.wait_caption, 0, 0, 1, 3)
        waits.addWidget(self.wait_page, 0, 3)
        self._two_line_rows: bool | None = None
        self._arrange_waits(two_lines=False)
        waits.setColumnStretch(1, 1)

        self.info = self._label(base, wrap=True, fit=False)
        self.info.setProperty("kind", "muted")
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        layout = QVBoxLayout(self)
        # The window keeps the screen's size; the texts adapt (``_size_for``), the
        # layout never makes the window larger than the screen.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(*WINDOW_MARGINS)
        layout.setSpacing(SPACING)
        layout.addLayout(header)
        layout.addLayout(calls, 1)
        layout.addWidget(self.wait_panel)
        layout.addWidget(self.info)

        # Connection state: the feed's and the last read's; the marker after a delay.
        self.feed_ok = True
        self.read_ok = True
        self.updated_at: str | None = None
        self.offline_timer = QTimer(self)
        self.offline_timer.setSingleShot(True)
        self.offline_timer.timeout.connect(self._show_offline)
        # Refreshes at most every MIN_REFRESH_MS; a burst of events becomes one read.
        self._pending_calls: list[EventRecord] = []
        self._last_refresh = 0.0
        self.refresh_later = QTimer(self)
        self.refresh_later.setSingleShot(True)
        self.refresh_later.timeout.connect(self.refresh)
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
        # A live feed reads the queue for the display in its own thread, over its own
        # connection: one database connection per display (docs/architecture.md, "Scale").
        self.feed = feed if hasattr(feed, "read_through") else None
        self._read_at = time.monotonic()
        if feed is not None:
            feed.events.connect(self.on_events)  # type: ignore[attr-defined]
            if hasattr(feed, "connection"):
                feed.connection.connect(self.on_connection)
        if self.feed is not None:
            self.feed.read_done.connect(self._state_read)  # type: ignore[attr-defined]
            self.feed.read_failed.connect(self._read_failed)  # type: ignore[attr-defined]
            branch = settings.branch
            self.feed.read_through(  # type: ignore[attr-defined]
                lambda services: services.display_state(branch), _concerns_queue
            )
        self.resize(settings.screen_width_px, settings.screen_height_px)
        self.refresh()

    def _arrange_waits(self, *, two_lines: bool) -> None:
        """One line per service on a landscape screen; on a portrait screen (narrow) the
        name gets a line of its own with the numbers below it, so names stay whole."""
        if two_lines == self._two_line_rows:
            return
        self._two_line_rows = two_lines
        grid = self.waits_grid
        for row in self.wait_rows:
            for widget in row:
                grid.removeWidget(widget)
        for i, (prefix, name, waiting, minutes) in enumerate(self.wait_rows):
            if two_lines:
                grid.addWidget(prefix, 2 * i + 1, 0)
                grid.addWidget(name, 2 * i + 1, 1, 1, 3)
                grid.addWidget(waiting, 2 * i + 2, 2)
                grid.addWidget(minutes, 2 * i + 2, 3)
            else:
                for j, widget in enumerate((prefix, name, waiting, minutes)):
                    grid.addWidget(widget, i + 1, j)

    @property
    def _lines_per_row(self) -> int:
        return 2 if self._two_line_rows else 1

    def _label(
        self,
        px: int,
        *,
        bold: bool = False,
        wrap: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        fit: bool = True,
    ) -> QLabel:
        # Texts that come from data (names, services) shorten at a word boundary
        # instead of widening the window; short fixed texts keep their natural width.
        widget: QLabel = FitLabel() if fit else QLabel()
        widget.setFont(_font(px, bold))
        widget.setWordWrap(wrap)
        widget.setTextFormat(Qt.TextFormat.PlainText)
        widget.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        return widget

    @property
    def language(self) -> str:
        """The language of the fixed texts now: Dutch and, in turn, each other language
        of ``[municipality] languages`` (nl, en, nl, de, ...), one turn per page."""
        if self.pinned is not None:
            return self.pinned
        turns = self.turns()
        return turns[self.turn % len(turns)]

    def turns(self) -> list[str]:
        configured = self.state.languages if self.state is not None else (SOURCE,)
        others = [code for code in configured if code != SOURCE]
        return [code for other in others for code in (SOURCE, other)] or [SOURCE]

    def set_language(self, language: str) -> None:
        """Show one language only (tests, screenshots); the turns stop."""
        self.pinned = language
        self.show_state()

    def _t(self, source: str, **params: object) -> str:
        # Not Qt's tr(): the display turns through languages on its own, apart from the
        # kiosk's visitor language (the demo runs both in one process).
        return say(self.language, source, **params)

    # -- data ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.refresh_later.stop()
        self._last_refresh = time.monotonic()
        if self.feed is not None:
            self.feed.request_read()  # type: ignore[attr-defined]  # read_done follows
            return
        try:
            state = self.loket.display_state(self.settings.branch)
        except UNAVAILABLE as exc:
            self._read_failed(type(exc).__name__)
            return
        self._state_read(state)

    def _read_failed(self, why: str) -> None:
        # Keep showing the last state; the next event or refresh tries again.
        log.warning("display cannot read the queue: %s", why)
        self._set_read_ok(False)
        self.refresh_later.start(RETRY_MS)

    def _state_read(self, state: DisplayState) -> None:
        self.state = state
        self._read_at = time.monotonic()
        self.updated_at = f"{state.now:%H:%M}"
        self._set_read_ok(True)
        self.show_state()
        pending, self._pending_calls = self._pending_calls, []
        if pending:
            self._announce(pending)

    def on_events(self, records: list[EventRecord]) -> None:
        if not _concerns_queue(records):
            return
        self._pending_calls.extend(r for r in records if r["kind"] in CALL_EVENTS)
        if self.feed is not None:
            return  # the feed's thread reads after these events by itself
        wait_ms = MIN_REFRESH_MS - (time.monotonic() - self._last_refresh) * 1000
        if wait_ms <= 0:
            self.refresh()
        elif not self.refresh_later.isActive():
            self.refresh_later.start(int(wait_ms))

    # -- connection state ----------------------------------------------------------------

    def on_connection(self, healthy: bool) -> None:
        self.feed_ok = healthy
        if healthy:
            self.refresh()  # catch up at once: the feed brings the events it missed
        self._update_offline()

    def _set_read_ok(self, ok: bool) -> None:
        self.read_ok = ok
        self._update_offline()

    @property
    def online(self) -> bool:
        return self.feed_ok and self.read_ok

    def _update_offline(self) -> None:
        if self.online:
            self.offline_timer.stop()
            self.offline.hide()
        elif not self.offline_timer.isActive() and self.offline.isHidden():
            self.offline_timer.start(OFFLINE_AFTER_SECONDS * 1000)

    def _show_offline(self) -> None:
        if self.online:
            return
        since = self.updated_at or "--:--"
        self.offline.setText(self.tr("Geen verbinding · bijgewerkt om {time}").format(time=since))
        self.offline.show()

    def _announce(self, records: list[EventRecord]) -> None:
        if self.state is None:
            return
        calls = [r for r in records if r["branch_id"] == self.state.branch_id]
        # Only visitors who chose it have a display name; everyone else is a number.
        names = {c.number: c.display_name for c in self.state.calls if c.display_name}
        languages = {c.number: c.language for c in self.state.calls}
        for record in calls:
            data = record.get("data") or {}
            if self.announcer is not None and data.get("counter") is not None:
                number = str(data.get("number"))
                code = spoken_language(languages.get(number, SOURCE))
                self.announcer.announce(
                    number,
                    data["counter"],
                    code,
                    name=names.get(number),
                    phrase=call_words(number, data["counter"], code, names.get(number)),
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
        self.turn += 1
        self.show_state()

    # -- showing ------------------------------------------------------------------------

    def _who(self, call: DisplayCall) -> str:
        # The name only when the visitor asked for it (the core gives no name otherwise).
        return call.display_name or call.number

    def _counter(self, call: DisplayCall) -> str:
        return self._t("Balie {number}", number=call.counter) if call.counter else ""

    def waiting_services(self) -> list[ServiceWait]:
        """Every service with people waiting; walk-in services nobody waits for only
        while there is room for them at the comfortable size."""
        if self.state is None:
            return []
        busy = [s for s in self.state.services if s.waiting]
        idle = [s for s in self.state.services if s.walk_in and not s.waiting]
        room = max(len(busy), self._rows_that_fit(self.base_px))
        return busy + idle[: max(0, room - len(busy))]

    def show_state(self) -> None:
        state = self.state
        self.call_caption.setText(self._t("Nu aan de beurt"))
        self.recent_caption.setText(self._t("Eerder opgeroepen"))
        self.wait_caption.setText(self._t("Wachtrij"))
        if state is None:
            return
        self.place.setText(state.branch_name)
        # The time of the last read moved on by the PC's own clock: no read of its own.
        self.clock.setText(
            f"{state.now + timedelta(seconds=time.monotonic() - self._read_at):%H:%M}"
        )
        shown = self.waiting_services()
        pages = max(1, -(-len(shown) // WAIT_ROWS))
        self.page %= pages
        page = shown[self.page * WAIT_ROWS : (self.page + 1) * WAIT_ROWS]
        self.wait_page.setText(f"{self.page + 1}/{pages}" if pages > 1 else "")
        for i, (prefix, name, waiting, minutes) in enumerate(self.wait_rows):
            service = page[i] if i < len(page) else None
            prefix.setText(service.prefix if service else "")
            name.setText(service.name(self.language) if service else "")
            # "geen wachttijd" says it all for a service nobody waits for.
            waiting.setText(
                self._t("{n} wachtend", n=service.waiting) if service and service.waiting else ""
            )
            if service is None:
                minutes.setText("")
            elif service.waiting == 0:
                minutes.setText(self._t("geen wachttijd"))
            else:
                minutes.setText(self._t("± {m} min", m=service.expected_wait_minutes))
        info = state.info_line(self.language)
        self.info.setText(info)
        self._show_call()
        self._size_for(len(page), bool(info))
        self._show_call()
        # Earlier calls: as many as fit beside the current one.
        recent_room = self._recent_rows_that_fit()
        for i, (who, where) in enumerate(self.recent_rows, start=1):
            call = state.calls[i] if i < len(state.calls) and i <= recent_room else None
            who.setText(self._who(call) if call else "")
            if isinstance(who, FitLabel):
                who.shrink_between(int(self.base_px * 1.25), self.base_px)
            where.setText(self._counter(call) if call else "")
            who.setVisible(i <= recent_room)
            where.setVisible(i <= recent_room)

    def _show_call(self) -> None:
        calls = self.state.calls if self.state is not None else []
        self.call_who.setVisible(bool(calls))
        if calls:
            latest = calls[0]
            self._fit(self.call_who, self._who(latest), self.who_px, self.base_px)
            self._fit(self.call_counter, self._counter(latest), self.counter_px, self.base_px)
            self.call_panel.setAccessibleName(f"{self._who(latest)} {self._counter(latest)}")
        else:
            self._fit(self.call_who, "", self.who_px, self.base_px)
            self._fit(
                self.call_counter,
                self._t("Even geduld, u wordt zo geroepen"),
                self.base_px,
                self.floor_px,
                bold=False,
            )

    # -- sizes --------------------------------------------------------------------------

    def _line(self, px: int, bold: bool = False) -> int:
        return ceil(QFontMetricsF(_font(px, bold)).height())

    def _needed_height(self, rows: int) -> int:
        """The height the layout needs, from the font sizes (not from the layout, whose
        hints only catch up after the event loop ran)."""
        base = self.base_px
        panel = PANEL_MARGINS[1] + PANEL_MARGINS[3] + self._line(base)
        height = WINDOW_MARGINS[1] + WINDOW_MARGINS[3] + self._line(base, True)
        height += SPACING + panel
        height += self._line(self.who_px, True) if self.call_who.isVisibleTo(self) else 0
        height += self._line(self.counter_px, True)
        height += SPACING + panel
        height += rows * self._lines_per_row * (self._line(self.row_px) + ROW_SPACING)
        if self.portrait:
            recent = min(
                PORTRAIT_RECENT_ROWS, max(0, len(self.state.calls) - 1) if self.state else 0
            )
            height += 24 + panel + recent * self._line(int(base * 1.25), True)
        if self.info.isVisibleTo(self) and self.info.text():
            width = max(1, self.width() - WINDOW_MARGINS[0] - WINDOW_MARGINS[2])
            height += SPACING + self.info.heightForWidth(width)
        return height

    def _names_fit(self, rows: int) -> bool:
        """Whether every service name fits its column whole."""
        font = _font(self.row_px)
        bold = _font(self.row_px, True)
        room: float = self.width() - WINDOW_MARGINS[0] - WINDOW_MARGINS[2]
        room -= PANEL_MARGINS[0] + PANEL_MARGINS[2]
        visible = self.wait_rows[:rows]
        # On two lines the name shares its line only with the letter.
        beside = ((0, bold),) if self._two_line_rows else ((0, bold), (2, font), (3, font))
        room -= WAIT_SPACING * len(beside)
        for column, column_font in beside:
            metrics = QFontMetricsF(column_font)
            room -= max((metrics.horizontalAdvance(r[column].text()) for r in visible), default=0)
        metrics = QFontMetricsF(font)
        for row in visible:
            name = row[1].full_text if isinstance(row[1], FitLabel) else row[1].text()
            if metrics.horizontalAdvance(name) > room:
                return False
        return True

    def _set_row_px(self, px: int) -> None:
        self.row_px = px
        for prefix, name, waiting, minutes in self.wait_rows:
            prefix.setFont(_font(px, True))
            for widget in (name, waiting, minutes):
                widget.setFont(_font(px))

    def _rows_that_fit(self, row_px: int) -> int:
        """How many queue rows fit below the calls at ``row_px`` (with the info line)."""
        base = self.base_px
        fixed = WINDOW_MARGINS[1] + WINDOW_MARGINS[3] + self._line(base, True) + SPACING * 3
        fixed += PANEL_MARGINS[1] + PANEL_MARGINS[3] + self._line(base)
        fixed += self._line(int(base * 4.2), True) + self._line(self.counter_px, True)
        fixed += PANEL_MARGINS[1] + PANEL_MARGINS[3] + self._line(base)
        fixed += self.info.heightForWidth(max(1, self.width() - 80)) if self.info.text() else 0
        line = (self._line(row_px) + ROW_SPACING) * self._lines_per_row
        return max(0, int((self.height() - fixed) // line))

    def _size_for(self, rows: int, info: bool) -> None:
        """Text sizes so every queue row fits on the screen: first the info line gives
        way, then the rows shrink (not below the floor), then the call (not below 4x
        base). Measured on the real layout, so the window never grows past the screen."""
        self.calls_box.setDirection(
            QBoxLayout.Direction.TopToBottom if self.portrait else QBoxLayout.Direction.LeftToRight
        )
        self._arrange_waits(two_lines=self.portrait)
        for i, row in enumerate(self.wait_rows):
            for widget in row:
                widget.setVisible(i < rows)
        self.info.setVisible(info)
        self.who_px = int(self.base_px * 4.2)
        self.counter_px = int(self.base_px * 2.2)
        self.call_who.setFont(_font(self.who_px, True))
        self.call_counter.setFont(_font(self.counter_px, True))
        self._set_row_px(self.base_px)
        if self.height() < 200:  # not laid out yet
            return
        if info and self._needed_height(rows) > self.height():
            self.info.setVisible(False)
        self._shrink_rows(rows)
        if not self.portrait and not self._names_fit(rows):
            # A name too long for one line even at the smallest size (a long service
            # name in German or Ukrainian): the rows take two lines, as on a portrait screen.
            self._arrange_waits(two_lines=True)
            self._set_row_px(self.base_px)
            self._shrink_rows(rows)
        self._fit_real_layout()
        if not self.portrait and not self._two_line_rows and self._names_shortened():
            self._arrange_waits(two_lines=True)
            self._set_row_px(self.base_px)
            self._shrink_rows(rows)
            self._fit_real_layout()
        # A full queue (up to 12 services) may take room from the call, which stays
        # far larger than any other text: at least 3x the comfortable size.
        for smallest in (self.base_px * 4, self.base_px * 3):
            while self._needed_height(rows) > self.height() and self.who_px > smallest:
                self.who_px -= 2
                self.call_who.setFont(_font(self.who_px, True))
            while (
                self._needed_height(rows) > self.height() and self.counter_px > self.base_px * 1.5
            ):
                self.counter_px -= 2
                self.call_counter.setFont(_font(self.counter_px, True))

    def _fit_real_layout(self) -> None:
        """The estimate above can be short of what the layout really needs (a script
        with taller lines, an info line that wraps once more): ask the layout itself
        and give way the same way, info line first, then the rows (also while a
        service name is still shortened)."""
        layout = self.layout()
        if layout is None:
            return
        self._relayout()
        while True:
            too_high = layout.minimumSize().height() > self.height()
            if too_high and self.info.isVisibleTo(self):
                self.info.setVisible(False)
            elif (too_high or self._names_shortened()) and self.row_px > self.floor_px:
                self._set_row_px(self.row_px - 1)
            else:
                return
            self._relayout()

    def _relayout(self) -> None:
        """Lay out now, the panels' own layouts too (Qt would do it after this event:
        too late to measure what the fonts just changed)."""
        # Only widgets that have a layout: PySide6 miscounts the None that layout()
        # returns for one without, and the interpreter aborts after enough calls.
        for widget in (self, self.call_panel, self.recent_panel, self.wait_panel):
            layout = widget.layout()
            assert layout is not None
            layout.invalidate()
            layout.activate()

    def _names_shortened(self) -> bool:
        return any(
            isinstance(name, FitLabel) and name.isVisibleTo(self) and name.is_shortened()
            for _prefix, name, _waiting, _minutes in self.wait_rows
        )

    def _shrink_rows(self, rows: int) -> None:
        while self.row_px > self.floor_px and (
            self._needed_height(rows) > self.height() or not self._names_fit(rows)
        ):
            self._set_row_px(self.row_px - 1)

    @property
    def portrait(self) -> bool:
        return self.height() > self.width()

    def _recent_rows_that_fit(self) -> int:
        """As many earlier calls as the panel has room for, beside the call itself."""
        if self.portrait:
            return PORTRAIT_RECENT_ROWS
        panel = PANEL_MARGINS[1] + PANEL_MARGINS[3] + self._line(self.base_px)
        panel += self._line(self.who_px, True) + self._line(self.counter_px, True)
        room = panel - PANEL_MARGINS[1] - PANEL_MARGINS[3] - self._line(self.base_px)
        return max(0, min(RECENT_ROWS, int(room // self._line(int(self.base_px * 1.25), True))))

    def _fit(
        self, widget: QLabel, text: str, largest: int, smallest: int, *, bold: bool = True
    ) -> None:
        """The largest size between ``largest`` and ``smallest`` at which ``text`` fits
        its panel; shortened at a word boundary if it does not fit even at the smallest.
        Sets the size every time, so a short call after a long text is large again."""
        panel = self.call_panel.width() if self.call_panel.width() > 300 else self.width() // 2
        room = max(100, panel - PANEL_MARGINS[0] - PANEL_MARGINS[2] - 8)
        px = largest
        while px > smallest and not fits(text, _font(px, bold), room):
            px -= 2
        widget.setFont(_font(max(px, smallest), bold))
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
