"""Keyboard-wedge scanners: recognise a scan among key presses so it never lands in a field.

Installed application-wide (``app.installEventFilter(filter)``). A scan is either
- everything between a configured prefix character and Enter, or
- a burst of at least `min_length` characters, each within `max_interval_ms` of the previous
  one, ended by Enter: no person types that fast.
Printable keys are held back for `max_interval_ms`; keys that turn out not to be a scan are
re-sent to the widget they were meant for, in order, so typing still works.
"""

from __future__ import annotations

import contextlib
import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_MODIFIERS = (
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta,
)


class KeyboardWedgeFilter(QObject):
    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        prefix: str | None = None,
        max_interval_ms: int = 50,
        min_length: int = 4,
        prefix_timeout_ms: int = 500,
    ) -> None:
        super().__init__(parent)
        self.prefix = prefix
        self.max_interval_ms = max_interval_ms
        self.min_length = min_length
        self.prefix_timeout_ms = prefix_timeout_ms
        self._held: list[tuple[QObject, QKeyEvent, str]] = []
        self._last_key = 0.0
        self._capturing = False
        self._captured: list[str] = []
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_idle)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        key, text = event.key(), event.text()
        if key in _MODIFIERS:
            return self._capturing  # scanners press Shift for capitals
        now = time.monotonic() * 1000
        if self._capturing:
            return self._capture_key(key, text)
        if self.prefix and text == self.prefix:
            self._flush()
            self._capturing, self._captured = True, []
            self._timer.start(self.prefix_timeout_ms)
            return True
        if key in _ENTER:
            burst = [t for _, _, t in self._held]
            if len(burst) >= self.min_length and now - self._last_key <= self.max_interval_ms:
                self._held.clear()
                self._timer.stop()
                self.scanned.emit("".join(burst))
                return True
            self._flush()
            return False
        if not text or not text.isprintable():
            self._flush()
            return False
        if self._held and now - self._last_key > self.max_interval_ms:
            self._flush()
        self._held.append((obj, _copy(event), text))
        self._last_key = now
        self._timer.start(self.max_interval_ms)
        return True

    def _capture_key(self, key: int, text: str) -> bool:
        if key in _ENTER:
            self._capturing = False
            self._timer.stop()
            if self._captured:
                self.scanned.emit("".join(self._captured))
            return True
        if text and text.isprintable():
            self._captured.append(text)
        self._timer.start(self.prefix_timeout_ms)
        return True

    def _on_idle(self) -> None:
        if self._capturing:
            # Prefix seen but no Enter: a scan that broke off; drop it rather than type it.
            self._capturing, self._captured = False, []
            return
        self._flush()

    def _flush(self) -> None:
        held, self._held = self._held, []
        self._timer.stop()
        self._replaying = True
        try:
            for receiver, event, _ in held:
                with contextlib.suppress(RuntimeError):  # the widget was closed meanwhile
                    QCoreApplication.sendEvent(receiver, event)
        finally:
            self._replaying = False


def _copy(event: QKeyEvent) -> QKeyEvent:
    return QKeyEvent(
        event.type(),
        event.key(),
        event.modifiers(),
        event.text(),
        event.isAutoRepeat(),
        event.count(),
    )
