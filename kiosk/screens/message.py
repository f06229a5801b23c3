"""A kind message when something cannot be done, always with the next step."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.screens.common import Host, Screen, button, label
from kiosk.theme import pictogram


class MessageScreen(Screen):
    name = "message"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        s = host.settings
        self.retry_target: str | None = None
        self.words: Callable[[], tuple[str, str]] | None = None
        self.action: Callable[[], None] | None = None
        self.title = label("title")
        self.text = label("warning")
        self.help = label("body")
        self.picture = label("body", wrap=False)
        self.retry = button(min_height=s.touch_px, min_width=s.touch_px * 5)
        self.home = button("primary", min_height=s.touch_px, min_width=s.touch_px * 5)
        # The next step a refusal offers, e.g. "Nummer nemen" when the appointment is
        # over: the main action then, and "Naar het begin" steps back.
        self.take_number = button("primary", min_height=s.touch_px, min_width=s.touch_px * 5)
        self.take_number.hide()
        self.retry.clicked.connect(lambda: host.go(self.retry_target or "start"))
        self.home.clicked.connect(lambda: host.go("start"))
        self.take_number.clicked.connect(self._act)
        actions = QHBoxLayout()
        actions.setSpacing(24)
        actions.addWidget(self.retry)
        actions.addStretch(1)
        actions.addWidget(self.home)
        actions.addWidget(self.take_number)
        body = QHBoxLayout()
        body.setSpacing(40)
        body.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(24)
        text.addWidget(self.title)
        text.addWidget(self.text)
        text.addWidget(self.help)
        text.addStretch(1)
        body.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 24)
        layout.addLayout(body, 1)
        layout.addLayout(actions)

    def show_message(
        self,
        words: Callable[[], tuple[str, str]],
        retry_target: str | None = None,
        take_number: Callable[[], None] | None = None,
    ) -> None:
        """``words`` gives (title, text) in the current language, again after a language
        switch; ``retry_target``: where "Opnieuw proberen" goes, if trying again helps;
        ``take_number``: offered as "Nummer nemen" when a number is the next step."""
        self.words = words
        self.retry_target = retry_target
        self.action = take_number
        self.retranslate()

    def _act(self) -> None:
        if self.action is not None:
            self.action()

    def retranslate(self) -> None:
        if self.words is not None:
            title, text = self.words()
            self.title.setText(title)
            self.text.setText(text)
        self.help.setText(self.tr("Lukt het niet? Loop naar de receptie. Wij helpen u graag."))
        self.retry.setText(self.tr("Opnieuw proberen"))
        self.home.setText(self.tr("Naar het begin"))
        self.retry.setVisible(self.retry_target is not None)
        self.take_number.setText(self.tr("Nummer nemen"))
        self.take_number.setVisible(self.action is not None)
        # One main action: with "Nummer nemen" shown, "Naar het begin" steps back.
        kind = "" if self.action is not None else "primary"
        if self.home.property("kind") != kind:
            self.home.setProperty("kind", kind)
            self.home.style().unpolish(self.home)
            self.home.style().polish(self.home)
        self.picture.setPixmap(
            pictogram("help", self.host.settings.touch_px * 3, self.host.icon_colour)
        )

    def reset(self) -> None:
        self.title.clear()
        self.text.clear()
        self.retry_target = None
        self.words = None
        self.action = None
        self.take_number.hide()
