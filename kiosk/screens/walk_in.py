"""Walk-in: choose what you come for (only what this branch offers without appointment
right now), optionally ask for help, and get a number."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.screens.common import Host, Screen, TileButton, button, label
from kiosk.theme import pictogram
from loket.views import BranchStatus, ServiceView
from loket.views.language import format_day


def day_words(moment: datetime, today: datetime, language: str) -> str:
    """'vandaag', or the day in the visitor's language (Babel): 'Dienstag, 8. Dezember'."""
    return format_day(moment.date(), language, today.date())


class WalkInScreen(Screen):
    name = "services"
    chosen = Signal(str, bool)  # service code, needs assistance

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        s = host.settings
        self.title = label("title")
        self.status: BranchStatus | None = None
        self.services: list[ServiceView] = []
        self.now: datetime | None = None
        self.tiles: dict[str, TileButton] = {}
        self.grid_box = QWidget()
        self.grid = QGridLayout(self.grid_box)
        self.grid.setSpacing(24)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.closed_text = label("warning")
        self.assist = button(min_height=s.touch_px * 2)
        self.assist.setCheckable(True)
        self.assist.setIconSize(QSize(s.touch_px, s.touch_px))
        self.assist_hint = label("hint")
        self.back = button(min_height=s.touch_px, min_width=s.touch_px * 4)
        self.back.clicked.connect(lambda: host.go("start"))

        actions = QHBoxLayout()
        actions.setSpacing(24)
        actions.addWidget(self.back)
        actions.addStretch(1)
        help_row = actions
        if s.screen_width_px < 1200:
            # A narrow (portrait) screen: the hint and the help button get a row of their
            # own, so a long translation of "Ik heb hulp nodig" still fits beside "Terug".
            help_row = QHBoxLayout()
            help_row.setSpacing(24)
        help_row.addWidget(self.assist_hint, 3)
        help_row.addWidget(self.assist, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 24, 60, 24)
        layout.setSpacing(20)
        if s.screen_height_px < 800:
            # A low screen (1280x720): a one-line question and closer tiles leave the
            # tiles room for their names (four rows of two).
            self.title.setStyleSheet("font-size: 40px;")
            self.grid.setSpacing(12)
            layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.grid_box, 1)
        layout.addWidget(self.closed_text, 1)
        if help_row is not actions:
            layout.addLayout(help_row)
        layout.addLayout(actions)

    def show_offer(self, status: BranchStatus, services: list[ServiceView], now: datetime) -> None:
        self.status, self.now = status, now
        self.services = [s for s in services if s.walk_in]
        for tile in self.tiles.values():
            tile.deleteLater()
        self.tiles = {}
        size = self.host.settings.touch_px
        for i, service in enumerate(self.services):
            tile = TileButton(service.icon, min_height=int(size * 1.9), icon_px=int(size * 1.4))
            tile.clicked.connect(lambda _=False, c=service.code: self._choose(c))
            self.tiles[service.code] = tile
            self.grid.addWidget(tile, i // 2, i % 2)
        self.retranslate()

    def _choose(self, code: str) -> None:
        self.chosen.emit(code, self.assist.isChecked())

    def retranslate(self) -> None:
        language = self.host.language
        self.back.setText(self.tr("Terug"))
        self.assist.setText(self.tr("Ik heb hulp nodig"))
        icon = QIcon()
        icon.addPixmap(
            pictogram("help", 128, self.host.icon_colour), QIcon.Mode.Normal, QIcon.State.Off
        )
        icon.addPixmap(
            pictogram("help", 128, self.host.colours["primary_text"]),
            QIcon.Mode.Normal,
            QIcon.State.On,
        )
        self.assist.setIcon(icon)
        self.assist_hint.setText(
            self.tr(
                "Slecht ter been, slechtziend of doof? Druk hier, dan houden wij rekening met u."
            )
        )
        for service in self.services:
            tile = self.tiles[service.code]
            tile.set_texts(service.name(language))
            tile.set_icon_colour(self.host.icon_colour)
        status = self.status
        open_now = status is None or status.walk_in_now
        self.grid_box.setVisible(open_now)
        self.assist.setVisible(open_now)
        self.assist_hint.setVisible(open_now)
        self.closed_text.setVisible(not open_now)
        if open_now:
            self.title.setText(self.tr("Waarvoor komt u? Kies één onderwerp."))
            return
        assert status is not None and self.now is not None
        lines = []
        if status.mode == "appointment_only":
            self.title.setText(self.tr("Nu alleen op afspraak"))
            lines.append(
                self.tr("Tot {time} helpen we alleen mensen met een afspraak.").format(
                    time=f"{status.until:%H:%M}" if status.until else ""
                )
            )
        else:
            self.title.setText(self.tr("We zijn nu gesloten"))
            if status.reason_nl and language == "nl":
                lines.append(status.reason_nl.rstrip(".") + ".")
        lines.append(
            self.tr("Een afspraak maken kan bij de receptie, op de website of via de telefoon.")
        )
        if status.next_walk_in is not None:
            lines.append(
                self.tr("Zonder afspraak kunt u weer komen op {day} vanaf {time}.").format(
                    day=day_words(status.next_walk_in, self.now, language),
                    time=f"{status.next_walk_in:%H:%M}",
                )
            )
        lines.append(self.tr('Heeft u wel een afspraak? Ga terug en kies "Ik heb een afspraak".'))
        self.closed_text.setText("\n\n".join(lines))

    def reset(self) -> None:
        self.assist.setChecked(False)
