"""The first screen: appointment, no appointment, or rate your visit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.screens.common import Host, Screen, TileButton, label


class StartScreen(Screen):
    name = "start"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        s = host.settings
        self.title = label("title", align=Qt.AlignmentFlag.AlignHCenter)
        self.scan_hint = label("body", align=Qt.AlignmentFlag.AlignHCenter)
        self.check_in = TileButton("checkin", min_height=s.touch_px * 4, icon_px=s.touch_px * 2)
        self.walk_in = TileButton("ticket", min_height=s.touch_px * 4, icon_px=s.touch_px * 2)
        self.rate = TileButton("rate", min_height=s.touch_px * 2, icon_px=s.touch_px)
        self.help = label("hint", align=Qt.AlignmentFlag.AlignHCenter)
        self.check_in.clicked.connect(lambda: host.go("checkin"))
        self.walk_in.clicked.connect(lambda: host.go("services"))
        self.rate.clicked.connect(lambda: host.go("feedback_number"))

        tiles = QHBoxLayout()
        tiles.setSpacing(40)
        tiles.addWidget(self.check_in)
        tiles.addWidget(self.walk_in)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 30, 60, 30)
        layout.setSpacing(24)
        layout.addWidget(self.title)
        layout.addLayout(tiles, 3)
        layout.addWidget(self.scan_hint)
        layout.addWidget(self.rate, 1)
        layout.addWidget(self.help)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Welkom! Waarvoor komt u?"))
        self.check_in.set_texts(
            self.tr("Ik heb een afspraak"), self.tr("Scan uw QR-code of typ uw code.")
        )
        self.walk_in.set_texts(
            self.tr("Ik heb geen afspraak"), self.tr("Kies waarvoor u komt. U krijgt een nummer.")
        )
        self.rate.set_texts(self.tr("Geef een cijfer voor uw bezoek"))
        self.scan_hint.setText(self.tr("Heeft u een QR-code? Houd die onder de scanner."))
        self.help.setText(self.tr("Hulp nodig? Loop naar de receptie. Wij helpen u graag."))
        for tile in (self.check_in, self.walk_in, self.rate):
            tile.set_icon_colour(self.host.icon_colour)
