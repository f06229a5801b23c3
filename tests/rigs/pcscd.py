"""A private pcscd with the vsmartcard vpcd virtual reader, for the card tests.

pcscd 1.9 always puts its socket in /run/pcscd (it ignores PCSCLITE_CSOCK_NAME; only the
client library reads it). To leave a system pcscd alone and let parallel test workers each
have their own, pcscd runs in a private mount namespace where a temporary directory is
mounted over /run. Clients reach it through PCSCLITE_CSOCK_NAME, which must be set before
the process makes its first PC/SC call (libpcsclite remembers the name).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

READER_CONF = """FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:{port:#06x}
LIBPATH      {lib}
CHANNELID    {port:#06x}
"""
VPCD_LIBS = (
    "/usr/lib/pcsc/drivers/serial/libifdvpcd.so",
    "/usr/lib64/pcsc/drivers/serial/libifdvpcd.so",
    "/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so",
)


def socket_path(base: Path) -> Path:
    return base / "run" / "pcscd" / "pcscd.comm"


def unavailable_reason() -> str | None:
    if not shutil.which("pcscd"):
        return "pcscd is not installed (Debian package pcscd)"
    if not any(os.path.exists(lib) for lib in VPCD_LIBS):
        return "vpcd driver missing (Debian package vsmartcard-vpcd)"
    if not shutil.which("unshare"):
        return "unshare (util-linux) missing"
    probe = subprocess.run(_unshare_prefix() + ["true"], capture_output=True)
    if probe.returncode != 0:
        return f"cannot create a mount namespace: {probe.stderr.decode().strip()}"
    return None


def _unshare_prefix() -> list[str]:
    if os.geteuid() == 0:
        return ["unshare", "--mount", "--propagation", "private", "--"]
    return ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private", "--"]


def die_with_parent() -> None:
    """A crashed test worker must not leave its pcscd behind (Linux PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG, kept across exec
    except (OSError, AttributeError):
        pass


def _two_free_ports() -> int:
    """vpcd opens two slots, on port and port + 1."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port >= 65535:
            continue
        try:
            with socket.socket() as s2:
                s2.bind(("0.0.0.0", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two adjacent free ports")


class PcscdRig:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = _two_free_ports()
        self.conf_dir = base / "reader.conf.d"
        self.run_dir = base / "run"
        self.log_path = base / "pcscd.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        lib = next(lib for lib in VPCD_LIBS if os.path.exists(lib))
        (self.conf_dir / "vpcd").write_text(READER_CONF.format(port=self.port, lib=lib))

    @property
    def socket(self) -> Path:
        return socket_path(self.base)

    reader_names = ("Virtual PCD 00 00", "Virtual PCD 00 01")

    def start(self, timeout: float = 10.0) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        script = 'mount --bind "$1" /run && exec pcscd --foreground --error --config "$2"'
        cmd = _unshare_prefix() + ["sh", "-c", script, "sh", str(self.run_dir), str(self.conf_dir)]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent
            )
        deadline = time.monotonic() + timeout
        while not self._vpcd_listening():
            if self.proc.poll() is not None:
                raise RuntimeError(f"pcscd exited: {self.log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"pcscd not ready: {self.log_path.read_text(errors='replace')}")
            time.sleep(0.05)

    def _vpcd_listening(self) -> bool:
        if not self.socket.exists():
            return False
        # Asking the kernel instead of connecting: a connection would count as a card.
        hex_port = f":{self.port:04X}"
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                fields = line.split()
                if fields[1].endswith(hex_port) and fields[3] == "0A":  # 0A = LISTEN
                    return True
        return False

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
