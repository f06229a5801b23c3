"""espeak-ng as a subprocess: the speech fallback and the way tests hear what is said."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hardware.ticket import Language

# espeak-ng's voice per language code where it is not the code itself ("de", "ar", ...).
ESPEAK_VOICES: dict[str, str] = {"nl": "nl", "en": "en-gb"}
ESPEAK_WPM = 150  # a little slower than espeak's 175: a waiting room echoes


def espeak_binary() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def espeak_command(text: str, language: Language, volume: float = 1.0) -> list[str]:
    binary = espeak_binary()
    if binary is None:
        raise FileNotFoundError("espeak-ng is not installed")
    amplitude = max(0, min(200, round(volume * 100)))
    return [
        binary,
        "-v",
        ESPEAK_VOICES.get(language, language),
        "-s",
        str(ESPEAK_WPM),
        "-a",
        str(amplitude),
        text,
    ]


def speak_to_wav(text: str, language: Language, path: str | Path, volume: float = 1.0) -> Path:
    """Synthesise `text` into a WAV file (no sound card needed)."""
    path = Path(path)
    cmd = espeak_command(text, language, volume)
    cmd[1:1] = ["-w", str(path)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=30)
    return path
