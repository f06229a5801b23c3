"""The announcer queue with real espeak-ng speech (written to WAV files: no sound card here)."""

import wave

import pytest

from hardware.announcer import EspeakSpeech, FakeAnnouncer, QueuedAnnouncer, call_phrase


@pytest.mark.parametrize(
    ("number", "counter", "language", "phrase"),
    [
        ("A 12", 3, "nl", "Nummer A 12, balie 3"),
        ("A12", 3, "nl", "Nummer A 12, balie 3"),
        ("b007", "4", "nl", "Nummer B 7, balie 4"),
        ("AB-12", 1, "nl", "Nummer A B 12, balie 1"),
        ("A 12", 3, "en", "Number A-12, counter 3"),
        ("42", 2, "nl", "Nummer 42, balie 2"),
    ],
)
def test_call_phrase(number, counter, language, phrase):
    assert call_phrase(number, counter, language) == phrase


def test_fake_announcer_records():
    fake = FakeAnnouncer()
    fake.announce("A12", 3)
    fake.announce("C4", 1, language="en")
    assert fake.phrases == ["Nummer A 12, balie 3", "Number C-4, counter 1"]


def test_calls_are_queued_and_never_overlap(qtbot, tmp_path):
    speech = EspeakSpeech(wav_dir=tmp_path)
    announcer = QueuedAnnouncer(speech, volume=0.6)
    timeline: list[tuple[str, str]] = []
    announcer.call_started.connect(lambda p: timeline.append(("start", p)))
    announcer.call_finished.connect(lambda p: timeline.append(("end", p)))

    with qtbot.waitSignal(announcer.idle, timeout=20000):
        announcer.announce("A 12", 3)
        announcer.announce("B 4", 1)  # a second counter calls while the first is speaking
        announcer.announce("C 9", 2, language="en")

    phrases = ["Nummer A 12, balie 3", "Nummer B 4, balie 1", "Number C-9, counter 2"]
    assert timeline == [(kind, p) for p in phrases for kind in ("start", "end")]
    assert announcer.spoken == phrases
    for path in speech.written:
        with wave.open(str(path)) as wav:
            assert wav.getnframes() / wav.getframerate() > 1.0


def test_qtexttospeech_adapter_queues_too(qtbot):
    """Through QTextToSpeech itself, with Qt's own test engine (no speech-dispatcher here)."""
    from PySide6.QtTextToSpeech import QTextToSpeech

    from hardware.announcer import QtSpeech

    if "mock" not in QTextToSpeech.availableEngines():
        pytest.skip("Qt's mock speech engine is not shipped with this PySide6")
    announcer = QueuedAnnouncer(QtSpeech("mock"), chime_path=None)
    with qtbot.waitSignal(announcer.idle, timeout=20000):
        announcer.announce("A 12", 3)
        announcer.announce("B 4", 1)
    assert announcer.spoken == ["Nummer A 12, balie 3", "Nummer B 4, balie 1"]
