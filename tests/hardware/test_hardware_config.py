import pytest

from hardware.config import HardwareConfig

TOML = """
[hardware]
printer = "network://127.0.0.1:9100"
printer_profile = "TM-T88V"
card_reader = "pcsc"
scanner = "serial:///dev/ttyACM0?baudrate=115200"
announcer = "espeak"
volume = 0.5
language = "en"
"""


def test_parse_table():
    cfg = HardwareConfig.from_toml(TOML)
    assert cfg.printer == "network://127.0.0.1:9100"
    assert cfg.printer_profile == "TM-T88V"
    assert cfg.card_reader == "pcsc"
    assert (cfg.scanner_kind, cfg.scanner_port, cfg.scanner_baudrate) == (
        "serial",
        "/dev/ttyACM0",
        115200,
    )
    assert cfg.announcer == "espeak" and cfg.volume == 0.5 and cfg.language == "en"


def test_defaults_configure_nothing():
    cfg = HardwareConfig.from_toml("")
    assert cfg.printer == "none://" and cfg.card_reader == "none" and cfg.scanner == "none"


@pytest.mark.parametrize(
    "line",
    [
        'card_reader = "usb"',
        "volume = 1.5",
        'printer = "lpt://1"',
        'scanner = "bluetooth"',
        'language = "de"',
        "colour = 1",
    ],
)
def test_mistakes_are_refused(line):
    with pytest.raises(ValueError):
        HardwareConfig.from_toml(f"[hardware]\n{line}\n")
