"""A contactless card for the vsmartcard ``vpcd`` virtual reader, speaking vpcd's protocol.

vpcd (the pcscd driver) listens on TCP; a card "is inserted" while it keeps a connection
open. Every message is a 2-byte big-endian length plus payload. One-byte payloads from
vpcd are control codes (0 power off, 1 power on, 2 reset, 4 ATR request); longer ones are
APDUs. The card answers the ATR request and every APDU; power codes get no answer.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading

log = logging.getLogger(__name__)

VPCD_DEFAULT_PORT = 0x8C7B  # 35963
# ATR of a MIFARE Classic 1K as a PC/SC contactless reader reports it (PC/SC part 3).
DEFAULT_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
_POWER_OFF, _POWER_ON, _RESET, _GET_ATR = 0, 1, 2, 4
SW_OK = b"\x90\x00"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"
SW_WRONG_P1P2 = b"\x6b\x00"


class VirtualCard:
    """``card.insert()`` puts the card on the reader, ``card.remove()`` takes it off.

    While inserted the card reconnects by itself when vpcd goes away and comes back
    (pcscd restart, reader re-plugged), like a card that stays on a reader.
    """

    def __init__(
        self,
        uid: bytes | str = "04A1B2C3D4E580",
        *,
        atr: bytes = DEFAULT_ATR,
        host: str = "127.0.0.1",
        port: int = VPCD_DEFAULT_PORT,
    ) -> None:
        self.uid = bytes.fromhex(uid) if isinstance(uid, str) else uid
        self.atr = atr
        self.host = host
        self.port = port
        self.apdus: list[bytes] = []
        self.powered = False
        self._inserted = threading.Event()
        self._connected = threading.Event()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def respond(self, apdu: bytes) -> bytes:
        if len(apdu) >= 4 and apdu[0] == 0xFF and apdu[1] == 0xCA:
            if apdu[2] == 0x00 and apdu[3] == 0x00:  # GET DATA: UID
                return self.uid + SW_OK
            if apdu[2] == 0x01 and apdu[3] == 0x00:  # GET DATA: historical bytes
                return self.atr[-5:-1] + SW_OK
            return SW_WRONG_P1P2
        return SW_INS_NOT_SUPPORTED

    def insert(self, wait: float = 5.0) -> None:
        self._inserted.set()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="virtual-card", daemon=True)
            self._thread.start()
        if wait and not self._connected.wait(wait):
            raise TimeoutError(f"vpcd on {self.host}:{self.port} did not accept the card")

    def remove(self) -> None:
        self._inserted.clear()
        with self._lock:
            if self._sock is not None:
                with contextlib.suppress(OSError):
                    self._sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def _run(self) -> None:
        while self._inserted.is_set():
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1)
            except OSError:
                self._inserted.wait(0.1)
                threading.Event().wait(0.2)
                continue
            sock.settimeout(None)
            with self._lock:
                self._sock = sock
            self._connected.set()
            try:
                self._serve(sock)
            except OSError as exc:
                log.debug("vpcd connection ended: %s", exc)
            finally:
                self._connected.clear()
                self.powered = False
                with self._lock:
                    self._sock = None
                sock.close()
            if self._inserted.is_set():
                threading.Event().wait(0.2)

    def _serve(self, sock: socket.socket) -> None:
        while True:
            head = _recv_exact(sock, 2)
            if head is None:
                return
            (length,) = struct.unpack(">H", head)
            payload = _recv_exact(sock, length) if length else b""
            if payload is None:
                return
            if length == 1:
                code = payload[0]
                if code == _GET_ATR:
                    _send(sock, self.atr)
                elif code in (_POWER_ON, _RESET):
                    self.powered = True
                elif code == _POWER_OFF:
                    self.powered = False
                continue
            self.apdus.append(payload)
            _send(sock, self.respond(payload))


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)
