"""``loket hardware check``: try every device of this PC and say in plain Dutch what is wrong.

Prints a test ticket, waits for a card, reads the scanner port, plays the chime and a spoken
call. Exit code 0 when everything configured works, 1 otherwise.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, TextIO

from hardware.config import HardwareConfig
from hardware.errors import HardwareError
from hardware.ticket import TicketPrint


@dataclass
class DeviceReport:
    device: str
    configured: str
    ok: bool | None  # None: not configured on this PC
    state: str
    hint_nl: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def test_ticket() -> TicketPrint:
    return TicketPrint(
        municipality="Loket printertest",
        number="T 1",
        service="Testbon",
        issued_at=datetime.now().replace(microsecond=0),
        expected_wait_minutes=5,
        wait_area="Bij de printer",
        qr_payload="LOKET-TEST",
        sentence="Dit is een testbon. Tekens: ë é ï €.",
        language="nl",
    )


def check_printer(cfg: HardwareConfig) -> DeviceReport:
    from hardware.printer import open_printer

    if cfg.printer.startswith("none"):
        return DeviceReport("printer", cfg.printer, None, "not_configured")
    try:
        printer = open_printer(cfg.printer, cfg.printer_profile)
        result = printer.print_ticket(test_ticket())
    except HardwareError as exc:
        return DeviceReport(
            "printer", cfg.printer, False, type(exc).__name__, exc.hint_nl, {"error": str(exc)}
        )
    except Exception as exc:  # e.g. an unknown printer profile
        return DeviceReport(
            "printer", cfg.printer, False, "error", f"De printer-instelling klopt niet: {exc}"
        )
    hint = "; ".join(w.hint_nl for w in result.warnings)
    return DeviceReport(
        "printer",
        cfg.printer,
        True,
        "paper_near_end" if result.paper_near_end else "printed",
        hint,
        {"profile": cfg.printer_profile, "paper": result.status.paper.value},
    )


def check_card_reader(cfg: HardwareConfig, wait_card_seconds: float) -> DeviceReport:
    if cfg.card_reader != "pcsc":
        return DeviceReport("card_reader", cfg.card_reader, None, "not_configured")
    try:
        from hardware.card_reader import CardInserted, PcscCardMonitor, list_readers
    except ImportError as exc:
        return DeviceReport("card_reader", "pcsc", False, "no_pyscard", f"pyscard ontbreekt: {exc}")
    readers, problem = list_readers()
    if problem:
        state = "no_reader" if "aangesloten" in problem else "pcscd_not_running"
        return DeviceReport("card_reader", "pcsc", False, state, problem)
    details: dict[str, Any] = {"readers": readers}
    if wait_card_seconds <= 0:
        return DeviceReport("card_reader", "pcsc", True, "reader_found", "", details)
    seen = threading.Event()
    card: list[CardInserted] = []

    def on_event(event: object) -> None:
        if isinstance(event, CardInserted):
            card.append(event)
            seen.set()

    monitor = PcscCardMonitor(on_event, poll_ms=200)
    monitor.start()
    try:
        seen.wait(wait_card_seconds)
    finally:
        monitor.stop()
    if not card:
        return DeviceReport(
            "card_reader",
            "pcsc",
            True,
            "no_card_seen",
            f"De lezer werkt, maar er is binnen {wait_card_seconds:g} seconden geen pasje gezien. "
            "Houd een pasje op de lezer om te testen.",
            details,
        )
    details.update(uid=card[0].uid, atr=card[0].atr, reader=card[0].reader)
    return DeviceReport("card_reader", "pcsc", True, "card_read", "", details)


def check_scanner(cfg: HardwareConfig) -> DeviceReport:
    kind = cfg.scanner_kind
    if kind in ("none", "fake"):
        return DeviceReport("scanner", cfg.scanner, None, "not_configured")
    if kind == "wedge":
        return DeviceReport(
            "scanner",
            "wedge",
            True,
            "keyboard",
            "Een toetsenbord-scanner kan niet worden getest zonder scan. "
            "Scan een code in de kiosk om te testen.",
        )
    if kind == "camera":
        from PySide6.QtMultimedia import QMediaDevices

        _qt_app()
        cameras = [c.description() for c in QMediaDevices.videoInputs()]
        if not cameras:
            return DeviceReport(
                "scanner",
                "camera",
                False,
                "no_camera",
                "Er is geen camera gevonden. Sluit de camera aan.",
            )
        return DeviceReport("scanner", "camera", True, "camera_found", "", {"cameras": cameras})
    import serial

    from hardware.scanner import NO_PERMISSION_NL, NOT_CONNECTED_NL

    port = cfg.scanner_port
    try:
        serial.serial_for_url(port, baudrate=cfg.scanner_baudrate, timeout=0.1).close()
    except (serial.SerialException, OSError) as exc:
        denied = "permission" in str(exc).lower()
        hint = (NO_PERMISSION_NL if denied else NOT_CONNECTED_NL).format(port=port)
        return DeviceReport(
            "scanner", cfg.scanner, False, "no_permission" if denied else "not_found", hint
        )
    return DeviceReport("scanner", cfg.scanner, True, "port_open", "", {"port": port})


def _qt_app() -> Any:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.instance() or QCoreApplication([])


def check_announcer(cfg: HardwareConfig, timeout: float = 15.0) -> DeviceReport:
    if cfg.announcer == "fake":
        return DeviceReport("announcer", "fake", None, "not_configured")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtMultimedia import QMediaDevices

    from hardware.announcer import CHIME_PATH, EspeakSpeech, QtSpeech, create_announcer
    from hardware.errors import SpeechUnavailable

    _qt_app()
    try:
        announcer = create_announcer(cfg.announcer, language=cfg.language, volume=cfg.volume)
    except SpeechUnavailable as exc:
        return DeviceReport("announcer", cfg.announcer, False, "no_speech_engine", exc.hint_nl)
    engine = "espeak-ng" if isinstance(announcer.speech, EspeakSpeech) else "qt"  # type: ignore[union-attr]
    if isinstance(announcer.speech, QtSpeech):  # type: ignore[union-attr]
        engine = f"qt:{announcer.speech._tts.engine()}"  # type: ignore[union-attr]
    loop = QEventLoop()
    announcer.idle.connect(loop.quit)  # type: ignore[union-attr]
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    started = time.monotonic()
    announcer.announce("T 1", 1)
    loop.exec()
    seconds = round(time.monotonic() - started, 2)
    outputs = [d.description() for d in QMediaDevices.audioOutputs()]
    details = {
        "engine": engine,
        "chime": str(CHIME_PATH),
        "seconds": seconds,
        "audio_outputs": outputs,
    }
    if announcer.busy:  # type: ignore[union-attr]
        return DeviceReport(
            "announcer",
            cfg.announcer,
            False,
            "stuck",
            "De omroep blijft hangen. Herstart de computer.",
            details,
        )
    if not outputs:
        return DeviceReport(
            "announcer",
            cfg.announcer,
            False,
            "no_audio_output",
            "Er is geen geluidsuitgang gevonden. Sluit luidsprekers aan en zet het geluid aan. "
            "Het nummer staat wel op het scherm.",
            details,
        )
    return DeviceReport("announcer", cfg.announcer, True, "spoken", "", details)


def run_check(
    cfg: HardwareConfig,
    as_json: bool = False,
    wait_card_seconds: float = 10.0,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    if not as_json:
        print("Loket hardwarecontrole", file=out)
        if cfg.printer != "none://":
            print("Er wordt een testbon geprint.", file=out)
        if cfg.card_reader == "pcsc" and wait_card_seconds > 0:
            print(f"Houd binnen {wait_card_seconds:g} seconden een pasje op de lezer.", file=out)
        out.flush()
    reports = [
        check_printer(cfg),
        check_card_reader(cfg, wait_card_seconds),
        check_scanner(cfg),
        check_announcer(cfg),
    ]
    failed = any(r.ok is False for r in reports)
    if as_json:
        json.dump({"ok": not failed, "devices": [asdict(r) for r in reports]}, out, indent=2)
        print(file=out)
    else:
        names = {"printer": "Printer", "card_reader": "Pasjeslezer", "scanner": "Codescanner",
                 "announcer": "Omroep"}  # fmt: skip
        for r in reports:
            verdict = {True: "in orde", False: "NIET in orde", None: "niet ingesteld"}[r.ok]
            print(f"- {names[r.device]} ({r.configured}): {verdict} [{r.state}]", file=out)
            if r.hint_nl:
                print(f"    {r.hint_nl}", file=out)
        print(
            "Alles werkt." if not failed else "Er is iets mis; zie hierboven wat u kunt doen.",
            file=out,
        )
    return 1 if failed else 0
