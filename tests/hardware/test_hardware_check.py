"""``loket hardware check --json`` against the rigs: printer emulator, pcscd + virtual card,
pty scanner, espeak-ng."""

import json

from hardware.check import run_check
from hardware.config import HardwareConfig
from loket.cli import main


# `qapp` first: the check would otherwise create a QCoreApplication, and widget tests later
# in the same process need a QApplication.
def test_check_reports_every_device_against_the_rigs(
    qapp, tmp_path, capsys, printer_emulator, virtual_card, serial_pty
):
    config = tmp_path / "hardware.toml"
    config.write_text(
        "[hardware]\n"
        f'printer = "{printer_emulator.url}"\n'
        'printer_profile = "TM-T20II"\n'
        'card_reader = "pcsc"\n'
        f'scanner = "serial://{serial_pty.device}?baudrate=9600"\n'
        'announcer = "espeak"\n'
        "volume = 0.8\n"
    )
    virtual_card.insert()

    code = main(["hardware", "check", "--json", "--config", str(config), "--wait-card", "5"])

    report = json.loads(capsys.readouterr().out)
    devices = {d["device"]: d for d in report["devices"]}
    assert devices["printer"]["ok"] and devices["printer"]["state"] == "printed"
    receipt = printer_emulator.wait_for_receipt()
    assert receipt.qr_payloads == ["LOKET-TEST"] and "ë é ï €." in receipt.text
    assert devices["card_reader"]["state"] == "card_read"
    assert devices["card_reader"]["details"]["uid"] == "04A1B2C3D4E580"
    assert devices["scanner"]["ok"] and devices["scanner"]["state"] == "port_open"
    announcer = devices["announcer"]
    assert announcer["details"]["engine"] == "espeak-ng"
    # The test machine has no loudspeaker: that is reported, with what to do about it.
    if announcer["details"]["audio_outputs"]:
        assert announcer["ok"] and code == 0
    else:
        assert announcer["state"] == "no_audio_output" and "luidsprekers" in announcer["hint_nl"]
        assert code == 1 and report["ok"] is False


def test_check_says_in_dutch_what_is_wrong(qapp, tmp_path, capsys, pcscd_rig):
    pcscd_rig.stop()
    try:
        cfg = HardwareConfig(
            printer="network://127.0.0.1:9",
            card_reader="pcsc",
            scanner=f"serial://{tmp_path}/ttyACM0",
            announcer="fake",
        )
        code = run_check(cfg, as_json=False, wait_card_seconds=0)
    finally:
        pcscd_rig.start()
    out = capsys.readouterr().out
    assert code == 1
    assert "Printer (network://127.0.0.1:9): NIET in orde" in out
    assert "De printer is niet bereikbaar" in out
    assert "pcscd" in out and "draait niet" in out
    assert "codescanner is niet gevonden" in out
    assert "Omroep (fake): niet ingesteld" in out
