"""The serial scanner through a real pty pair (socat)."""

import queue

from hardware.scanner import SerialScanner, split_scans


def test_split_on_cr_lf_and_crlf():
    codes, rest = split_scans(b"LKT-A12\rLKT-B7\r\nLKT-C3\n\nLKT-D")
    assert codes == ["LKT-A12", "LKT-B7", "LKT-C3"]
    assert rest == b"LKT-D"


def test_scans_arrive_whole_even_when_split_over_writes(serial_pty):
    got: queue.Queue[str] = queue.Queue()
    scanner = SerialScanner(str(serial_pty.device), got.put, baudrate=9600)
    scanner.start()
    try:
        assert scanner.connected.wait(5)
        serial_pty.send(b"LKT-A12-20261124\r\n")
        serial_pty.send(b"APT-7")
        serial_pty.send(b"QX2\r")
        assert got.get(timeout=5) == "LKT-A12-20261124"
        assert got.get(timeout=5) == "APT-7QX2"
    finally:
        scanner.stop()


def test_missing_port_reports_in_dutch_and_keeps_trying(tmp_path):
    statuses: queue.Queue[tuple[bool, str]] = queue.Queue()
    scanner = SerialScanner(
        str(tmp_path / "ttyACM9"), lambda code: None, on_status=lambda *s: statuses.put(s),
        retry_seconds=0.1,
    )  # fmt: skip
    scanner.start()
    try:
        ok, message = statuses.get(timeout=5)
        assert not ok and "niet gevonden" in message
        assert scanner._thread is not None and scanner._thread.is_alive()
    finally:
        scanner.stop()
