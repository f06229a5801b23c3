"""Calling tickets in the waiting room: a chime, then the spoken call.

Calls are queued: a second call waits until the first has been fully spoken, so two
counters calling at once never cut each other off.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QLocale, QObject, QProcess, QTimer, QUrl, Signal

from hardware.speech import espeak_binary, espeak_command
from hardware.ticket import Language

log = logging.getLogger(__name__)

CHIME_PATH = Path(__file__).resolve().parent.parent / "assets" / "sounds" / "chime.wav"
_NUMBER = re.compile(r"^\s*([A-Za-z]*)[\s\-]*0*(\d+)\s*$")


def call_phrase(
    number: str, counter: str | int, language: Language = "nl", name: str | None = None
) -> str:
    """The sentence spoken for a call: ``call_phrase("A12", 3) == "Nummer A 12, balie 3"``.

    The prefix is split off and spelled letter by letter so "A12" is never read as a word.
    English joins letters and digits with hyphens: speech engines read a lone "A" before a
    number as the article ("a twelve"), "A-12" as the letter.
    """
    if name:
        # The visitor chose to be called by name instead of by number.
        return f"{name}, counter {counter}" if language == "en" else f"{name}, balie {counter}"
    match = _NUMBER.match(str(number))
    if match:
        letters, digits = list(match.group(1).upper()), str(int(match.group(2)))
    else:
        letters, digits = [], str(number).strip()
    if language == "en":
        spoken = "-".join([*letters, digits])
        return f"Number {spoken}, counter {counter}"
    spoken = " ".join([*letters, digits])
    return f"Nummer {spoken}, balie {counter}"


def spoken_number(number: str, language: Language = "nl") -> str:
    """ "A12" as it is spoken: "A 12" (letters apart), English "A-12" (see call_phrase)."""
    match = _NUMBER.match(str(number))
    if match:
        letters, digits = list(match.group(1).upper()), str(int(match.group(2)))
    else:
        letters, digits = [], str(number).strip()
    return ("-" if language == "en" else " ").join([*letters, digits])


class Announcer(Protocol):
    volume: float
    language: Language

    def announce(
        self,
        number: str,
        counter: str | int,
        language: Language | None = None,
        name: str | None = None,
        phrase: str | None = None,
    ) -> None: ...


class FakeAnnouncer:
    def __init__(self, language: Language = "nl", volume: float = 0.8) -> None:
        self.language = language
        self.volume = volume
        self.phrases: list[str] = []

    def announce(
        self,
        number: str,
        counter: str | int,
        language: Language | None = None,
        name: str | None = None,
        phrase: str | None = None,
    ) -> None:
        lang = language or self.language
        self.phrases.append(phrase or call_phrase(number, counter, lang, name))


class _Speech(QObject):
    finished = Signal()

    def say(self, text: str, language: Language, volume: float) -> None:
        raise NotImplementedError


class EspeakSpeech(_Speech):
    """espeak-ng through QProcess; with `wav_dir` every call is also written to a WAV file."""

    def __init__(self, parent: QObject | None = None, wav_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.wav_dir = wav_dir
        self.written: list[Path] = []
        self._process: QProcess | None = None

    def say(self, text: str, language: Language, volume: float) -> None:
        cmd = espeak_command(text, language, volume)
        if self.wav_dir is not None:
            path = self.wav_dir / f"call-{len(self.written) + 1:03d}.wav"
            self.written.append(path)
            cmd[1:1] = ["-w", str(path)]
        process = QProcess(self)
        process.finished.connect(self._done)
        process.errorOccurred.connect(self._failed)
        self._process = process
        process.start(cmd[0], cmd[1:])

    def _failed(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            log.warning("espeak-ng did not start")
            self._done()

    def _done(self, *args: object) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.deleteLater()
            self.finished.emit()


class QtSpeech(_Speech):
    """QTextToSpeech: speech-dispatcher on Linux, SAPI/WinRT on Windows."""

    def __init__(self, engine: str, parent: QObject | None = None) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        super().__init__(parent)
        self._tts = QTextToSpeech(engine, self)
        self._speaking = False
        self._tts.stateChanged.connect(self._state)

    @property
    def usable(self) -> bool:
        from PySide6.QtTextToSpeech import QTextToSpeech

        return self._tts.state() != QTextToSpeech.State.Error

    def say(self, text: str, language: Language, volume: float) -> None:
        locale = {"nl": QLocale("nl_NL"), "en": QLocale("en_GB")}.get(language, QLocale(language))
        self._tts.setLocale(locale)
        self._tts.setVolume(volume)
        self._speaking = True
        self._tts.say(text)

    def _state(self, state: object) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if self._speaking and state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
            self._speaking = False
            self.finished.emit()


class _Chime(QObject):
    """QSoundEffect; without a sound device it reports done at once instead of hanging."""

    finished = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        super().__init__(parent)
        self._effect = QSoundEffect(self)
        self._effect.setSource(QUrl.fromLocalFile(str(path)))
        self._effect.playingChanged.connect(self._playing_changed)
        self._guard = QTimer(self)
        self._guard.setSingleShot(True)
        self._guard.timeout.connect(self._end)
        self._active = False
        self.enabled = path.exists()

    def play(self, volume: float) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        if not self.enabled or self._effect.status() == QSoundEffect.Status.Error:
            QTimer.singleShot(0, self.finished.emit)
            return
        self._active = True
        self._effect.setVolume(volume)
        self._effect.play()
        self._guard.start(3000)  # never let a stuck audio device block the calls

    def _playing_changed(self) -> None:
        if self._active and not self._effect.isPlaying():
            self._end()

    def _end(self) -> None:
        if self._active:
            self._active = False
            self._guard.stop()
            self.finished.emit()


class QueuedAnnouncer(QObject):
    """Chime + speech, one call after the other. Signals carry the phrase."""

    call_started = Signal(str)
    call_finished = Signal(str)
    idle = Signal()

    def __init__(
        self,
        speech: _Speech,
        *,
        language: Language = "nl",
        volume: float = 0.8,
        chime_path: Path | None = CHIME_PATH,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.language: Language = language
        self.volume = volume
        self.speech = speech
        speech.setParent(self)
        speech.finished.connect(self._speech_done)
        self.chime = _Chime(chime_path, self) if chime_path else None
        if self.chime:
            self.chime.finished.connect(self._chime_done)
        self._queue: deque[tuple[str, Language]] = deque()
        self._current: tuple[str, Language] | None = None
        self.spoken: list[str] = []

    @property
    def busy(self) -> bool:
        return self._current is not None or bool(self._queue)

    def announce(
        self,
        number: str,
        counter: str | int,
        language: Language | None = None,
        name: str | None = None,
        phrase: str | None = None,
    ) -> None:
        """``phrase``: the call already worded in ``language`` (the display words it from
        the catalogues); without it the Dutch or English sentence of call_phrase."""
        lang = language or self.language
        self.say(phrase or call_phrase(number, counter, lang, name), lang)

    def say(self, text: str, language: Language | None = None) -> None:
        self._queue.append((text, language or self.language))
        if self._current is None:
            self._next()

    def _next(self) -> None:
        if not self._queue:
            self._current = None
            self.idle.emit()
            return
        self._current = self._queue.popleft()
        self.call_started.emit(self._current[0])
        if self.chime:
            self.chime.play(self.volume)
        else:
            self._chime_done()

    def _chime_done(self) -> None:
        if self._current is not None:
            text, language = self._current
            self.speech.say(text, language, self.volume)

    def _speech_done(self) -> None:
        if self._current is None:
            return
        text = self._current[0]
        self.spoken.append(text)
        self.call_finished.emit(text)
        self._next()


def qt_speech_engine() -> str | None:
    """A real QTextToSpeech engine ("mock" is Qt's test engine and says nothing)."""
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:
        return None
    engines = [e for e in QTextToSpeech.availableEngines() if e != "mock"]
    return engines[0] if engines else None


def create_announcer(
    kind: str = "qt",
    *,
    language: Language = "nl",
    volume: float = 0.8,
    parent: QObject | None = None,
) -> QueuedAnnouncer | FakeAnnouncer:
    """``kind``: "qt" (QTextToSpeech, espeak-ng when no engine works), "espeak" or "fake"."""
    if kind == "fake":
        return FakeAnnouncer(language, volume)
    speech: _Speech | None = None
    if kind == "qt":
        engine = qt_speech_engine()
        if engine:
            qt = QtSpeech(engine)
            if qt.usable:
                speech = qt
            else:
                log.warning("speech engine %s not usable, falling back to espeak-ng", engine)
                qt.deleteLater()
    if speech is None:
        if espeak_binary() is None:
            from hardware.errors import SpeechUnavailable

            raise SpeechUnavailable("no QTextToSpeech engine and no espeak-ng")
        speech = EspeakSpeech()
    return QueuedAnnouncer(speech, language=language, volume=volume, parent=parent)
