"""Rate your visit: scan the ticket or type its number, then a score and three smileys."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout

from kiosk.keypad import Keypad
from kiosk.screens.common import Host, Screen, button, label
from kiosk.theme import pictogram
from loket.views import TicketView

ASPECTS = ("friendliness", "speed", "expertise")


class FeedbackNumberScreen(Screen):
    name = "feedback_number"
    submitted = Signal(str)

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        s = host.settings
        self.prefixes = "ABCDEFGH"
        self.title = label("title")
        self.text = label("body")
        self.number = label("code", wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
        self.keypad = Keypad(self.prefixes + "1234567890", columns=8, max_length=5, key_px=s.key_px)
        self.keypad.changed.connect(self._changed)
        self.back = button(min_height=s.touch_px, min_width=s.touch_px * 4)
        self.next = button("primary", min_height=s.touch_px, min_width=s.touch_px * 5)
        self.back.clicked.connect(lambda: host.go("start"))
        self.next.clicked.connect(self._send)
        actions = QHBoxLayout()
        actions.addWidget(self.back)
        actions.addStretch(1)
        actions.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 24, 60, 24)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.number)
        layout.addWidget(self.keypad, 1)
        layout.addLayout(actions)
        self._changed("")

    def set_prefixes(self, prefixes: str) -> None:
        """Only the letters of services at this branch can start a number."""
        for symbol, key in self.keypad.keys.items():
            if symbol.isalpha() and len(symbol) == 1:
                key.setVisible(symbol in prefixes)

    def _changed(self, text: str) -> None:
        # "A12" is shown as on the ticket: "A 12".
        letters = text.rstrip("0123456789")
        self.number.setText(f"{letters} {text[len(letters) :]}".strip() or "_")

    def _send(self) -> None:
        text = self.keypad.text
        letters = text.rstrip("0123456789")
        if letters and len(letters) < len(text):
            self.submitted.emit(f"{letters} {int(text[len(letters) :])}")
        else:
            self.text.setText(
                self.tr("Typ de letter en het getal van uw bonnetje, bijvoorbeeld A 12.")
            )

    def retranslate(self) -> None:
        self.title.setText(self.tr("Geef een cijfer voor uw bezoek"))
        self.text.setText(
            self.tr("Scan de QR-code op uw bonnetje. Of typ uw nummer, bijvoorbeeld A 12.")
        )
        self.back.setText(self.tr("Terug"))
        self.next.setText(self.tr("Verder"))
        self.keypad.set_backspace_text(self.tr("Wissen"))

    def reset(self) -> None:
        self.keypad.clear()


class FeedbackRatingScreen(Screen):
    name = "feedback_rating"
    submitted = Signal(int, object, object, object)  # score, friendliness, speed, expertise

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        s = host.settings
        self.ticket: TicketView | None = None
        self.title = label("title")
        self.about = label("hint")
        self.score_text = label("body")
        self.scores = QButtonGroup(self)
        # One row of ten on a landscape screen, two rows of five on a portrait one.
        portrait = s.screen_height_px > s.screen_width_px
        per_row = 5 if portrait else 10
        score_row = QGridLayout()
        score_row.setSpacing(12)
        for n in range(1, 11):
            side = int(s.touch_px * (1.2 if s.screen_height_px < 900 else 1.4))
            b = button("key", min_height=side, min_width=side)
            b.setText(str(n))
            b.setCheckable(True)
            self.scores.addButton(b, n)
            score_row.addWidget(b, (n - 1) // per_row, (n - 1) % per_row)
        self.aspect_labels: dict[str, QLabel] = {}
        self.aspects: dict[str, QButtonGroup] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        icon_px = int(s.touch_px * 1.1)
        for row, aspect in enumerate(ASPECTS):
            self.aspect_labels[aspect] = label("body")
            grid.addWidget(self.aspect_labels[aspect], row, 0)
            group = QButtonGroup(self)
            for n in range(1, 6):
                b = button(
                    min_height=int(s.touch_px * (1.2 if s.screen_height_px < 900 else 1.4)),
                    # Narrower on a portrait screen: room for the aspect's word in
                    # every language ("Компетентно"); still well over a touch target.
                    min_width=int(s.touch_px * (1.5 if portrait else 1.8)),
                )
                b.setCheckable(True)
                b.setIconSize(QSize(icon_px, icon_px))
                group.addButton(b, n)
                grid.addWidget(b, row, n)
            self.aspects[aspect] = group
        grid.setColumnStretch(6, 1)  # faces next to their words, not at the far edge
        self.problem = label("body")
        # The refusal goes away as soon as the visitor chooses a score.
        self.scores.idClicked.connect(lambda _n: self.problem.clear())
        self.back = button(min_height=s.touch_px, min_width=s.touch_px * 4)
        self.send = button("primary", min_height=s.touch_px, min_width=s.touch_px * 5)
        self.back.clicked.connect(lambda: host.go("start"))
        self.send.clicked.connect(self._send)
        actions = QHBoxLayout()
        actions.addWidget(self.back)
        actions.addWidget(self.problem, 1)
        actions.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 20, 60, 20)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.about)
        layout.addWidget(self.score_text)
        layout.addLayout(score_row)
        layout.addSpacing(10)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addLayout(actions)

    def show_ticket(self, ticket: TicketView) -> None:
        self.reset()
        self.ticket = ticket
        self.retranslate()

    def _choice(self, group: QButtonGroup) -> int | None:
        n = group.checkedId()
        return n if n > 0 else None

    def _send(self) -> None:
        score = self._choice(self.scores)
        if score is None:
            self.problem.setText(self.tr("Kies eerst een cijfer van 1 tot 10."))
            return
        self.submitted.emit(score, *(self._choice(self.aspects[a]) for a in ASPECTS))

    def retranslate(self) -> None:
        self.title.setText(self.tr("Hoe was uw bezoek?"))
        if self.ticket is not None:
            service = self.ticket.service_in(self.host.language)
            self.about.setText(
                self.tr("Nummer {number}: {service}").format(
                    number=self.ticket.number, service=service
                )
            )
        self.score_text.setText(self.tr("Welk cijfer geeft u? 1 is heel slecht, 10 is heel goed."))
        names = {
            "friendliness": self.tr("Vriendelijk"),
            "speed": self.tr("Snel geholpen"),
            "expertise": self.tr("Deskundig"),
        }
        faces = [
            self.tr("Heel slecht"),
            self.tr("Slecht"),
            self.tr("Gewoon"),
            self.tr("Goed"),
            self.tr("Heel goed"),
        ]
        for aspect in ASPECTS:
            self.aspect_labels[aspect].setText(names[aspect])
            for n in range(1, 6):
                b = self.aspects[aspect].button(n)
                icon = QIcon()
                icon.addPixmap(
                    pictogram(f"smiley{n}", 128, self.host.icon_colour),
                    QIcon.Mode.Normal,
                    QIcon.State.Off,
                )
                # A chosen face sits on the button's "chosen" colour: draw it in that text colour.
                icon.addPixmap(
                    pictogram(f"smiley{n}", 128, self.host.colours["primary_text"]),
                    QIcon.Mode.Normal,
                    QIcon.State.On,
                )
                b.setIcon(icon)
                b.setAccessibleName(f"{names[aspect]}: {faces[n - 1]}")
        self.back.setText(self.tr("Stoppen"))
        self.send.setText(self.tr("Versturen"))

    def reset(self) -> None:
        self.ticket = None
        self.about.clear()
        self.problem.clear()
        for group in (self.scores, *self.aspects.values()):
            # An exclusive group keeps one button checked; release it to clear.
            group.setExclusive(False)
            for b in group.buttons():
                b.setChecked(False)
            group.setExclusive(True)


class ThanksScreen(Screen):
    name = "thanks"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.title = label("title", align=Qt.AlignmentFlag.AlignHCenter)
        self.text = label("body", align=Qt.AlignmentFlag.AlignHCenter)
        self.picture = QLabel()
        self.home = button(
            "primary", min_height=host.settings.touch_px, min_width=host.settings.touch_px * 5
        )
        self.home.clicked.connect(lambda: host.go("start"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 60, 60, 40)
        layout.addStretch(1)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addStretch(1)
        layout.addWidget(self.home, 0, Qt.AlignmentFlag.AlignRight)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Dank u wel!"))
        self.text.setText(
            self.tr("Met uw cijfer maken we onze dienst beter. Wij wensen u een fijne dag.")
        )
        self.home.setText(self.tr("Naar het begin"))
        self.picture.setPixmap(
            pictogram("smiley5", self.host.settings.touch_px * 3, self.host.icon_colour)
        )
