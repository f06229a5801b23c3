"""``loket kiosk|display|counter|reception|manager``: each role starts, renders offscreen
and saves its picture; the PC's settings file picks branch, counter and devices."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from counter.reception import ReceptionWindow
from counter.workstation import CounterWorkstation
from hardware.qt_bridge import CardEventBridge
from loket.clock import Clock
from loket.services import Loket
from roles.cli import main
from roles.pcs import SIMULATED, RoleOptions, SetupError, compose, load_pc_settings

NOW = "2026-11-24T09:30"
ANNA_CARD = "04A1B2C3D4E5F6"


@pytest.fixture
def no_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    missing = tmp_path / "nowhere" / "hardware.toml"
    monkeypatch.setenv("LOKET_HARDWARE_CONFIG", str(missing))
    return missing


@pytest.mark.parametrize("role", ["kiosk", "display", "counter", "reception", "manager"])
def test_every_role_starts_and_renders(
    qtbot, role: str, sqlite_loket: Loket, tmp_path: Path, no_settings_file: Path, capsys
):
    png = tmp_path / f"{role}.png"
    code = main(["--database", sqlite_loket.db.url, "--now", NOW, role, "--screenshot", str(png)])
    assert code == 0, capsys.readouterr().err
    image = QImage(str(png))
    assert image.width() >= 800 and image.height() >= 500
    # Missing settings file: simulated devices, and the person at the PC is told so.
    assert "nagebootst" in capsys.readouterr().err


def test_the_command_runs_as_its_own_process(sqlite_loket: Loket, tmp_path: Path):
    png = tmp_path / "kiosk.png"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "LOKET_HARDWARE_CONFIG": str(tmp_path / "missing.toml"),
    }
    args = ["--database", sqlite_loket.db.url, "--now", NOW, "kiosk", "--windowed"]
    result = subprocess.run(
        [sys.executable, "-m", "roles", *args, "--screenshot", str(png)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert QImage(str(png)).width() > 0


def test_the_pc_settings_file_sets_branch_counter_and_card_reader(
    qtbot, sqlite_loket: Loket, tmp_path: Path
):
    path = tmp_path / "hardware.toml"
    path.write_text(
        '[hardware]\nprinter = "none"\ncard_reader = "fake"\nannouncer = "fake"\n\n'
        '[pc]\nbranch = "dalfsen"\ncounter = 3\n',
        encoding="utf-8",
    )
    settings = load_pc_settings(path)
    comp = compose(RoleOptions("counter"), settings, sqlite_loket.as_actor(sqlite_loket.actor))
    window = comp.window
    qtbot.addWidget(window)
    assert isinstance(window, CounterWorkstation)
    assert window.login.counter == 3
    # The staff card on the (fake) reader logs anna in at counter 3.
    (bridge,) = window.findChildren(CardEventBridge)
    bridge.reader.insert(ANNA_CARD)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.services is not None, timeout=1000)
    assert window.header_title.text() == "Balie 3"
    comp.stop()


def test_wrong_settings_are_refused_in_plain_words(tmp_path: Path, no_settings_file: Path):
    assert load_pc_settings(None).hardware == SIMULATED
    with pytest.raises(SetupError, match="bestaat niet"):
        load_pc_settings(tmp_path / "typo.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[pc]\nbrnach = "dalfsen"\n', encoding="utf-8")
    with pytest.raises(SetupError, match="brnach"):
        load_pc_settings(bad)


def test_an_unknown_branch_is_refused(sqlite_loket: Loket, no_settings_file: Path, capsys):
    code = main(["--database", sqlite_loket.db.url, "manager", "--branch", "atlantis"])
    assert code == 2
    assert "atlantis" in capsys.readouterr().err


def test_reception_sends_mail_with_the_municipalitys_smtp_settings(
    qtbot, sqlite_loket: Loket, tmp_path: Path, no_settings_file: Path
):
    from tests.conftest import DEMO_CONFIG

    config = tmp_path / "muni.toml"
    config.write_text(
        DEMO_CONFIG.read_text(encoding="utf-8")
        + '\n[smtp]\nhost = "127.0.0.1"\nport = 2525\nsender = "afspraken@example.org"\n',
        encoding="utf-8",
    )
    sqlite_loket.apply_config(config)
    settings = load_pc_settings(None)
    comp = compose(RoleOptions("reception"), settings, sqlite_loket.as_actor(sqlite_loket.actor))
    qtbot.addWidget(comp.window)
    assert isinstance(comp.window, ReceptionWindow) and comp.window.smtp is not None
    assert (comp.window.smtp.host, comp.window.smtp.port) == ("127.0.0.1", 2525)
    comp.stop()


def test_staff_pcs_run_the_daily_privacy_purge_hall_pcs_do_not(
    qtbot, sqlite_loket: Loket, clock: Clock
):
    from PySide6.QtCore import QObject

    from roles.pcs import _daily_purge

    # A visit whose personal data is due: the purge decides by the data, not by a date.
    visit = clock.now().replace(hour=10, minute=0, second=0, microsecond=0)
    sqlite_loket.book_appointment("dalfsen", "idkaart", visit, name="Oud Bezoek")
    clock.set(visit + timedelta(days=31))
    holder = QObject()
    assert _daily_purge(sqlite_loket, "kiosk", holder) is None
    assert _daily_purge(sqlite_loket, "display", holder) is None
    timer = _daily_purge(sqlite_loket, "reception", holder)
    assert timer is not None and timer.isActive() and timer.interval() == 60 * 60 * 1000
    timer.timeout.emit()  # what the hourly tick does: the first one today purges
    kinds = [e["kind"] for e in sqlite_loket.events_after(0, limit=10_000)]
    assert kinds.count("privacy.purged") == 1
    timer.timeout.emit()  # the next hour: nothing left that is due
    kinds = [e["kind"] for e in sqlite_loket.events_after(0, limit=10_000)]
    assert kinds.count("privacy.purged") == 1
    timer.stop()


@pytest.mark.parametrize("role", ["kiosk", "counter"])
def test_screen_option_renders_at_that_size(
    qtbot, role: str, sqlite_loket: Loket, tmp_path: Path, no_settings_file: Path, capsys
):
    png = tmp_path / f"{role}.png"
    args = ["--database", sqlite_loket.db.url, "--now", NOW, role]
    code = main([*args, "--screenshot", str(png), "--screen", "1080x1920"])
    assert code == 0, capsys.readouterr().err
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1080, 1920) or role == "counter"
    assert image.height() == 1920
