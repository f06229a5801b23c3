"""Writes chime.wav: a soft two-tone 'ding-dong' before each spoken call (run once, commit)."""

import math
import struct
import wave
from pathlib import Path

RATE = 22050
TONES = ((659.25, 0.0), (523.25, 0.55))  # E5 then C5, like a door chime
LENGTH = 1.5
PEAK = 0.55


def sample(t: float) -> float:
    value = 0.0
    for freq, start in TONES:
        if t < start:
            continue
        age = t - start
        envelope = math.exp(-age * 3.2) * min(1.0, age / 0.005)
        # A few soft overtones make it sound like a bell instead of a beep.
        value += envelope * (
            math.sin(2 * math.pi * freq * age)
            + 0.35 * math.sin(2 * math.pi * 2 * freq * age)
            + 0.12 * math.sin(2 * math.pi * 3 * freq * age)
        )
    fade = min(1.0, (LENGTH - t) / 0.05)
    return value / 1.47 * PEAK * fade


def main() -> None:
    out = Path(__file__).with_name("chime.wav")
    frames = b"".join(
        struct.pack("<h", round(32767 * sample(n / RATE))) for n in range(int(RATE * LENGTH))
    )
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(frames)
    print(f"{out}: {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
