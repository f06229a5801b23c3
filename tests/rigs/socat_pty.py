"""A pair of linked pseudo-terminals from socat: one end for the scanner adapter, the other
end is "the scanner" the test writes codes into."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from tests.rigs.pcscd import die_with_parent


class PtyPair:
    def __init__(self, base: Path) -> None:
        self.device = base / "scanner-tty"  # what the adapter opens, like /dev/ttyACM0
        self.scanner_end = base / "scanner-wire"
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def unavailable_reason() -> str | None:
        return None if shutil.which("socat") else "socat is not installed"

    def start(self, timeout: float = 5.0) -> PtyPair:
        self.proc = subprocess.Popen(
            [
                "socat",
                f"pty,raw,echo=0,link={self.device}",
                f"pty,raw,echo=0,link={self.scanner_end}",
            ],
            stderr=subprocess.PIPE,
            preexec_fn=die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while not (self.device.exists() and self.scanner_end.exists()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("socat did not create the pty pair")
            time.sleep(0.02)
        return self

    def send(self, data: bytes) -> None:
        """What the scanner sends over its USB-COM port."""
        fd = os.open(self.scanner_end, os.O_WRONLY | os.O_NOCTTY)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=5)
            self.proc = None
