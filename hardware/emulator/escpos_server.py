"""A network receipt printer on loopback: raw TCP like port 9100 of an Epson.

    with EscposEmulator() as printer:
        open_printer(f"network://127.0.0.1:{printer.port}").print_ticket(ticket)
        receipt = printer.wait_for_receipt()

`mode` rehearses what goes wrong in a town hall: "near_end", "paper_out", "cover_open"
(offline) and "no_reply" (connection accepted, status never answered).
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from typing import Literal

from hardware.emulator.escpos_decoder import STATUS_DLE_EOT, EscposDecoder, Receipt

Mode = Literal["ok", "near_end", "paper_out", "cover_open", "no_reply"]

# Epson status bytes: bits 1 and 4 are always 1.
_FIXED = 0x12
_OFFLINE = 0x08
_EOT2_COVER_OPEN = 0x04
_EOT2_PAPER_STOP = 0x20
_EOT4_NEAR_END = 0x0C
_EOT4_PAPER_END = 0x60


class EscposEmulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, width_dots: int = 576) -> None:
        self.width_dots = width_dots
        self.mode: Mode = "ok"
        self.receipts: list[Receipt] = []
        self.connections = 0
        self.status_requests: list[tuple[str, int]] = []
        self.raw: list[bytes] = []
        self._cond = threading.Condition()
        emulator = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                emulator._serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self._server = Server((host, port), Handler)
        address = self._server.server_address
        self.host: str = str(address[0])
        self.port: int = int(address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"network://{self.host}:{self.port}"

    def start(self) -> EscposEmulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> EscposEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def status_byte(self, kind: str, n: int) -> bytes | None:
        with self._cond:
            self.status_requests.append((kind, n))
        mode = self.mode
        if mode == "no_reply":
            return None
        if kind == STATUS_DLE_EOT:
            offline = mode in ("paper_out", "cover_open")
            if n == 1:
                return bytes([_FIXED | (_OFFLINE if offline else 0)])
            if n == 2:
                cause = {"cover_open": _EOT2_COVER_OPEN, "paper_out": _EOT2_PAPER_STOP}
                return bytes([_FIXED | cause.get(mode, 0)])
            if n == 3:
                return bytes([_FIXED])
            if n == 4:
                paper = {"near_end": _EOT4_NEAR_END, "paper_out": _EOT4_NEAR_END | _EOT4_PAPER_END}
                return bytes([_FIXED | paper.get(mode, 0)])
            return None
        # GS r 1: paper sensor, bits 0-1 near end, bits 2-3 paper end.
        if n == 1:
            return bytes([{"near_end": 0x03, "paper_out": 0x0F}.get(mode, 0x00)])
        return b"\x00"

    def _serve(self, conn: socket.socket) -> None:
        with self._cond:
            self.connections += 1
        decoder = EscposDecoder(self.width_dots, status=self.status_byte)
        conn.settimeout(30)
        try:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                with self._cond:
                    self.raw.append(data)
                reply = decoder.feed(data)
                if reply:
                    conn.sendall(reply)
        finally:
            decoder.finish()
            with self._cond:
                # A printer out of paper takes the data but nothing comes out.
                if self.mode not in ("paper_out", "cover_open"):
                    self.receipts.extend(decoder.receipts)
                self._cond.notify_all()

    def wait_for_receipt(self, count: int = 1, timeout: float = 5.0) -> Receipt:
        """The `count`-th receipt printed since start (1-based), waiting for it if needed."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.receipts) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no receipt #{count} within {timeout} s")
                self._cond.wait(left)
            return self.receipts[count - 1]


def main() -> None:
    """A printer for manual trials: ``python -m hardware.emulator.escpos_server 9100 OUTDIR``."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9100
    out = sys.argv[2] if len(sys.argv) > 2 else "."
    emulator = EscposEmulator(port=port).start()
    print(f"ESC/POS printer emulator on {emulator.url}; receipts go to {out}/receipt-N.png")
    seen = 0
    try:
        while True:
            emulator.wait_for_receipt(seen + 1, timeout=3600).image.save(  # type: ignore[union-attr]
                f"{out}/receipt-{seen + 1}.png"
            )
            seen += 1
    except KeyboardInterrupt:
        emulator.stop()


if __name__ == "__main__":
    main()
