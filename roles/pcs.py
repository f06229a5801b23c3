"""The Qt composition root of every role PC: ``loket kiosk|display|counter|reception|manager``.

One place decides, per role, which window runs, as whom it acts, and which devices it
gets from the PC's settings file (``hardware.toml``):

- kiosk: the kiosk role, workstation "kiosk-<host>"; printer, scanner, staff card reader.
- display: the display role; announcer (chime and speech) and the live event feed.
- counter, reception, manager: start at the login panel and act with no rights until a
  staff member logs in; card reader for login; the manager also gets the live feed.

Lives with the staff UI for the same reason as ``roles/demo.py``: it composes
windows of ``kiosk/`` and ``counter/``, and ``loket`` stays free of Qt.

The settings file holds a ``[hardware]`` table (``hardware.config.HardwareConfig``) and
an optional ``[pc]`` table with this PC's place: ``branch``, ``counter``, ``screen``,
``workstation``. Without a file every device is simulated, and the log says so.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from hardware.config import HardwareConfig
from loket.clock import Clock
from loket.db import Database
from loket.events import Actor
from loket.services import Loket

log = logging.getLogger("loket.roles")
ROLES = ("kiosk", "display", "counter", "reception", "manager")
PC_KEYS = frozenset({"branch", "counter", "screen", "screen_only", "workstation"})
# Without a settings file nothing real is touched: a test PC or a first start must not
# print on a random printer or wait for a card reader that is not there.
SIMULATED = HardwareConfig(printer="fake://", card_reader="fake", scanner="none", announcer="fake")


class SetupError(Exception):
    """The PC's settings are wrong; ``message`` says what to fix, in Dutch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PcSettings:
    hardware: HardwareConfig
    pc: dict[str, Any]
    source: Path | None  # None: simulated devices


def default_hardware_path() -> Path:
    env = os.environ.get("LOKET_HARDWARE_CONFIG")
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("loket")) / "hardware.toml"


def load_pc_settings(path: Path | None) -> PcSettings:
    """``path`` given and missing is an error; the default missing means simulated."""
    target = path or default_hardware_path()
    if not target.exists():
        if path is not None:
            raise SetupError(f"Het instellingenbestand {target} bestaat niet.")
        note = (
            f"Geen instellingenbestand {target}: printer, kaartlezer en omroep worden "
            "nagebootst (er wordt niets echt geprint of omgeroepen)."
        )
        log.warning("no hardware settings at %s: simulated devices", target)
        print(note, file=sys.stderr)
        return PcSettings(SIMULATED, {}, None)
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
        hardware = HardwareConfig.from_table(data.get("hardware", {}))
    except (OSError, ValueError) as exc:  # TOMLDecodeError is a ValueError
        raise SetupError(f"Het instellingenbestand {target} klopt niet: {exc}") from exc
    pc = dict(data.get("pc", {}))
    unknown = set(pc) - PC_KEYS
    if unknown:
        raise SetupError(
            f"Onbekende instelling in [pc] van {target}: {', '.join(sorted(unknown))}. "
            f"Bekend zijn: {', '.join(sorted(PC_KEYS))}."
        )
    log.info("hardware settings from %s", target)
    return PcSettings(hardware, pc, target)


@dataclass
class RoleOptions:
    role: str
    database: str | None = None
    now: str | None = None
    workstation: str | None = None
    branch: str | None = None
    counter: int | None = None
    hardware: Path | None = None
    fullscreen: bool | None = None  # None: the role's own default
    screen: int | None = None
    screenshot: Path | None = None
    # ``--screen WxH``: lay the window out as on a screen of this size.
    screen_size: tuple[int, int] | None = None


@dataclass
class Composition:
    """What a role PC runs; ``stop`` ends every thread and device before Qt goes."""

    window: QWidget
    show: Callable[[], None]
    stoppers: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for stop in reversed(self.stoppers):
            try:
                stop()
            except Exception:  # one broken device must not keep the others running
                log.exception("stopping a device failed")
        self.stoppers.clear()


def _hostname() -> str:
    return socket.gethostname().split(".")[0] or "pc"


def _card_reader(cfg: HardwareConfig, parent: QObject, comp: Composition) -> Any:
    """The staff card reader behind a CardEventBridge, or None when there is none."""
    if cfg.card_reader == "none":
        return None
    from hardware.card_reader import FakeCardReader, PcscCardMonitor
    from hardware.qt_bridge import CardEventBridge

    bridge = CardEventBridge(parent)
    reader: Any = (
        FakeCardReader(bridge.deliver)
        if cfg.card_reader == "fake"
        else PcscCardMonitor(bridge.deliver)
    )
    bridge.service_changed.connect(
        lambda ok, text: None if ok else log.warning("card reader: %s", text)
    )
    reader.start()
    comp.stoppers.append(reader.stop)
    bridge.reader = reader  # type: ignore[attr-defined]  # tests insert a fake card
    return bridge


ScannerFactory = Callable[[HardwareConfig, QObject, "Composition"], QObject | None]
"""Builds the scanner of one kind: a QObject with ``scanned(str)`` on the GUI thread."""

SCANNERS: dict[str, ScannerFactory] = {}


def register_scanner(kind: str) -> Callable[[ScannerFactory], ScannerFactory]:
    """Register the scanner for ``[hardware] scanner = "<kind>"`` (or ``<kind>://…``)."""

    def register(factory: ScannerFactory) -> ScannerFactory:
        SCANNERS[kind] = factory
        return factory

    return register


def _scanner(cfg: HardwareConfig, parent: QObject, comp: Composition) -> QObject | None:
    """A QObject with ``scanned(str)`` on the GUI thread, whatever the scanner is."""
    factory = SCANNERS.get(cfg.scanner_kind, SCANNERS["fake"])
    return factory(cfg, parent, comp)


@register_scanner("none")
def _no_scanner(cfg: HardwareConfig, parent: QObject, comp: Composition) -> QObject | None:
    return None


@register_scanner("wedge")
def _wedge(cfg: HardwareConfig, parent: QObject, comp: Composition) -> QObject | None:
    from hardware.wedge import KeyboardWedgeFilter

    wedge = KeyboardWedgeFilter(parent, prefix=cfg.wedge_prefix or None)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(wedge)
    comp.stoppers.append(lambda: app.removeEventFilter(wedge))
    return wedge


def _bridged(parent: QObject, comp: Composition, make: Callable[[Any], Any]) -> QObject:
    """A scanner running in its own thread, delivering on the GUI thread."""
    from hardware.qt_bridge import ScanBridge

    bridge = ScanBridge(parent)
    device = make(bridge)
    device.start()
    comp.stoppers.append(device.stop)
    return bridge


@register_scanner("serial")
def _serial_scanner(cfg: HardwareConfig, parent: QObject, comp: Composition) -> QObject | None:
    from hardware.scanner import SerialScanner

    def make(bridge: Any) -> Any:
        bridge.status_changed.connect(
            lambda ok, text: None if ok else log.warning("scanner: %s", text)
        )
        return SerialScanner(
            cfg.scanner_port,
            bridge.deliver,
            baudrate=cfg.scanner_baudrate,
            on_status=bridge.deliver_status,
        )

    return _bridged(parent, comp, make)


@register_scanner("camera")
def _camera_scanner(cfg: HardwareConfig, parent: QObject, comp: Composition) -> QObject | None:
    from hardware.camera_scan import QtCameraScanner

    return _bridged(parent, comp, lambda bridge: QtCameraScanner(bridge.deliver))


@register_scanner("fake")
def _fake_scanner(cfg: HardwareConfig, parent: QObject, comp: Composition) -> QObject | None:
    from hardware.scanner import FakeScanner

    return _bridged(parent, comp, lambda bridge: FakeScanner(bridge.deliver))


def _printer(cfg: HardwareConfig) -> Any:
    if cfg.printer == "none://":
        return None  # a kiosk without printer: the number on screen only (less paper)
    from hardware.printer import open_printer

    return open_printer(cfg.printer, cfg.printer_profile)


def _announcer(cfg: HardwareConfig, parent: QObject) -> Any:
    from hardware.announcer import FakeAnnouncer, create_announcer
    from hardware.errors import SpeechUnavailable

    try:
        return create_announcer(
            cfg.announcer, language=cfg.language, volume=cfg.volume, parent=parent
        )
    except SpeechUnavailable as exc:
        # The screen still shows every call; a silent display beats no display.
        log.warning("no speech on this display (%s); calls are shown, not spoken", exc)
        return FakeAnnouncer(cfg.language, cfg.volume)


def _feed(loket: Loket, comp: Composition) -> Any:
    from kiosk.live_feed import LiveFeed

    feed = LiveFeed(loket)
    comp.stoppers.append(feed.stop)
    return feed


def compose(options: RoleOptions, settings: PcSettings, base: Loket) -> Composition:
    """Build the window of one role with its devices; nothing is shown yet."""
    role = options.role
    pc = settings.pc
    cfg = settings.hardware
    branch = options.branch or pc.get("branch") or _first_branch(base)
    base.require_branch(branch)
    host = _hostname()
    workstation = options.workstation or pc.get("workstation") or f"{role}-{host}"
    holder = QObject()  # parent of the bridges until the window exists
    comp = Composition(window=QWidget(), show=lambda: None)
    fullscreen = options.fullscreen

    if role == "kiosk":
        from kiosk.kiosk_window import KioskWindow
        from kiosk.settings import KioskSettings

        kiosk_settings = KioskSettings(
            branch,
            workstation=workstation,
            fullscreen=fullscreen is not False,
            offer_screen_only=bool(pc.get("screen_only", False)),
        )
        if options.screen_size is not None:
            kiosk_settings = replace(
                kiosk_settings,
                screen_width_px=options.screen_size[0],
                screen_height_px=options.screen_size[1],
            )
        kiosk = KioskWindow(
            base,
            kiosk_settings,
            printer=_printer(cfg),
            scanner=_scanner(cfg, holder, comp),
            card_events=_card_reader(cfg, holder, comp),
        )
        comp.show = kiosk.show_locked
        comp.stoppers.append(kiosk.watch.stop)  # its probe's thread
        window: QWidget = kiosk
    elif role == "display":
        from kiosk.display_window import DisplayWindow
        from kiosk.settings import DisplaySettings

        screen = options.screen if options.screen is not None else pc.get("screen", 1)
        display_settings = DisplaySettings(
            branch,
            workstation=workstation,
            screen_index=int(screen),
            language=cfg.language,
            fullscreen=fullscreen is not False,
            **_screen_px(options),
        )
        window = DisplayWindow(
            base,
            display_settings,
            announcer=_announcer(cfg, holder),
            feed=_feed(base, comp),
        )
        comp.show = window.show_on_screen  # type: ignore[attr-defined]
        # From here the display reads through its feed's connection: the engine's
        # pooled connection (used to check the branch) goes, one connection remains.
        base.db.dispose()
    elif role == "counter":
        from counter.workstation import CounterWorkstation

        counter = options.counter or pc.get("counter")
        window = CounterWorkstation(
            base,
            branch,
            workstation=workstation,
            counter=int(counter) if counter else None,
            card_bridge=_card_reader(cfg, holder, comp),
        )
    elif role == "reception":
        from counter.reception import ReceptionWindow

        # Reception logs in with name and PIN; its window has no card login yet.
        # The municipality's mail server comes from the database (loket config apply).
        window = ReceptionWindow(base, branch, workstation=workstation, smtp=base.smtp_settings())
    elif role == "manager":
        from counter.manager import ManagerWindow

        window = ManagerWindow(
            base,
            branch,
            workstation=workstation,
            feed=_feed(base, comp),
            card_bridge=_card_reader(cfg, holder, comp),
        )
    else:
        raise SetupError(f"Onbekende rol '{role}'. Kies uit: {', '.join(ROLES)}.")

    holder.setParent(window)
    comp.window = window
    log.info("role %s for branch %s as %s", role, branch, workstation)
    if role in ("counter", "reception", "manager"):
        # Staff PCs are ordinary desktop windows; fullscreen only when asked for.
        comp.show = window.showFullScreen if fullscreen else window.showMaximized
    return comp


def _screen_px(options: RoleOptions) -> dict[str, int]:
    if options.screen_size is None:
        return {}
    return {"screen_width_px": options.screen_size[0], "screen_height_px": options.screen_size[1]}


def _first_branch(loket: Loket) -> str:
    branches = loket.branches()
    if not branches:
        raise SetupError("Er is nog geen vestiging ingesteld. Voer eerst 'loket config apply' uit.")
    return branches[0].code


def services_for(options: RoleOptions) -> Loket:
    """The services acting with no rights at all: the window adds the role's actor
    (kiosk, display) or the staff member's after login."""
    workstation = options.workstation or f"{options.role}-{_hostname()}"
    # Named in pg_stat_activity by role and PC (connections per role: docs/architecture.md).
    db = Database(options.database, application_name=application_name(options.role, workstation))
    return Loket(db, Clock.from_env(options.now), Actor(workstation))


def application_name(role: str, workstation: str) -> str:
    """``loket <role> <workstation>``: what pg_stat_activity shows for this PC."""
    return f"loket {role} {workstation}"[:63]


def _daily_purge(base: Loket, role: str, parent: QObject) -> QTimer | None:
    """Staff PCs remove old personal data once a day (loket.privacy); the first PC to
    try after midnight does it, the others find it done. Kiosk and display hold no
    rights on personal data and skip it."""
    if role not in ("counter", "reception", "manager"):
        return None
    # The PC's own database role limits what it may touch; "system" only lets the
    # services layer run the scheduled job without a logged-in clerk.
    runner = base.as_actor(Actor.system(base.actor.workstation))

    def purge() -> None:
        try:
            runner.purge_if_due()
        except Exception:  # never take a counter down for a housekeeping job
            log.exception("daily privacy purge failed; it is tried again in an hour")
        try:  # last month's report, once for all PCs together (loket/reports/mail.py)
            runner.reports.mail_monthly_if_due()
        except Exception:
            log.exception("monthly report mail failed; it is tried again in an hour")

    timer = QTimer(parent)
    timer.timeout.connect(purge)
    timer.start(60 * 60 * 1000)
    QTimer.singleShot(30_000, purge)
    return timer


def run_role(options: RoleOptions) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Loket")
    base = services_for(options)
    settings = load_pc_settings(options.hardware)
    comp = compose(options, settings, base)
    try:
        if options.screenshot is not None:
            # Windowed at its own size: an offscreen grab of a fullscreen window has
            # the size of a screen that is not there.
            if options.screen_size is not None:
                comp.window.resize(*options.screen_size)
            comp.window.show()
            for _ in range(3):
                app.processEvents()
            if options.screen_size is not None:
                from kiosk.fit_check import problems

                for problem in problems(comp.window, QSize(*options.screen_size)):
                    print(problem, file=sys.stderr)
            options.screenshot.parent.mkdir(parents=True, exist_ok=True)
            if not comp.window.grab().save(str(options.screenshot)):
                raise SetupError(f"Kan {options.screenshot} niet opslaan.")
            print(options.screenshot)
            comp.window.close()
            return 0
        app.aboutToQuit.connect(comp.stop)
        purge_timer = _daily_purge(base, options.role, app)
        comp.show()
        result = int(app.exec())
        if purge_timer is not None:
            purge_timer.stop()
        return result
    finally:
        comp.stop()
        base.db.dispose()
