import pytest

from hardware.printer_url import parse_printer_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("network://10.1.2.3:9100", {"kind": "network", "host": "10.1.2.3", "port": 9100}),
        ("network://printer.local", {"kind": "network", "host": "printer.local", "port": 9100}),
        ("usb://0x04b8:0x0e15", {"kind": "usb", "vendor_id": 0x04B8, "product_id": 0x0E15}),
        (
            "serial:///dev/ttyUSB0?baudrate=38400",
            {"kind": "serial", "path": "/dev/ttyUSB0", "baudrate": 38400},
        ),
        ("file:///dev/usb/lp0", {"kind": "file", "path": "/dev/usb/lp0"}),
        ("win32raw://EPSON%20TM-T20II", {"kind": "win32raw", "name": "EPSON TM-T20II"}),
        ("fake://", {"kind": "fake"}),
    ],
)
def test_addresses(url, expected):
    address = parse_printer_url(url)
    for key, value in expected.items():
        assert getattr(address, key) == value
    assert parse_printer_url(str(address)) == address


@pytest.mark.parametrize("url", ["10.1.2.3", "usb://04b8", "lpt://1", "serial://"])
def test_bad_addresses(url):
    with pytest.raises(ValueError):
        parse_printer_url(url)
