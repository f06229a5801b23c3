"""espeak-ng into a WAV file: the call is really spoken, not silent, of a plausible length."""

import struct
import subprocess
import wave

from hardware.announcer import call_phrase
from hardware.speech import espeak_command, speak_to_wav


def _measure(path):
    with wave.open(str(path)) as wav:
        frames = wav.readframes(wav.getnframes())
        seconds = wav.getnframes() / wav.getframerate()
        assert wav.getsampwidth() == 2
    samples = struct.unpack(f"<{len(frames) // 2}h", frames)
    rms = (sum(s * s for s in samples) / len(samples)) ** 0.5
    return seconds, rms


def test_dutch_call_is_spoken(tmp_path):
    seconds, rms = _measure(speak_to_wav(call_phrase("A12", 3), "nl", tmp_path / "nl.wav"))
    assert 1.2 < seconds < 5.0  # "Nummer A 12, balie 3": about two seconds
    assert rms > 500  # clearly not silence (16-bit full scale is 32767)


def test_english_call_is_spoken_and_volume_matters(tmp_path):
    loud = _measure(speak_to_wav(call_phrase("A12", 3, "en"), "en", tmp_path / "a.wav", 1.0))
    soft = _measure(speak_to_wav(call_phrase("A12", 3, "en"), "en", tmp_path / "b.wav", 0.3))
    assert 1.2 < loud[0] < 5.0
    assert soft[1] < loud[1] * 0.6


def test_prefix_is_said_as_a_letter():
    def phonemes(text, language):
        cmd = espeak_command(text, language)
        cmd[1:1] = ["-q", "-x"]
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    assert "'eI" in phonemes(call_phrase("A12", 3, "en"), "en")  # the letter A, not "a"
    assert "'a:" in phonemes(call_phrase("A12", 3, "nl"), "nl")
