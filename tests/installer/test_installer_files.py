"""The installer files agree with the bundle and the program: every file the Inno Setup
script names exists in the build, the roles it starts exist, and the systemd units start
commands the program has. `installer/check-package.sh` runs this again against the
installed bundle (LOKET_BUNDLE=/opt/loket)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from loket.cli import build_parser
from roles.cli import COMMANDS_WITH_WINDOWS

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "installer" / "windows" / "loket.iss"
SPEC = ROOT / "installer" / "loket.spec"
LINUX = ROOT / "installer" / "linux"


def _bundle() -> Path | None:
    env = os.environ.get("LOKET_BUNDLE")
    if env:
        return Path(env)
    built = ROOT / "build" / "dist" / "loket"
    return built if built.is_dir() else None


def _app_files(iss: str) -> set[str]:
    """Files under {app} the script starts: loket.exe, loket-gui.exe …"""
    return set(re.findall(r"\{app\}\\([\w.-]+\.exe)", iss))


def test_every_program_the_windows_installer_names_is_built() -> None:
    iss = ISS.read_text(encoding="utf-8")
    names = _app_files(iss)
    assert names == {"loket.exe", "loket-gui.exe"}
    exes = set(re.findall(r'EXE\([^)]*name="([\w-]+)"', SPEC.read_text()))
    assert {n.removesuffix(".exe") for n in names} <= exes
    bundle = _bundle()
    if bundle is not None:  # a Linux build has the same programs without ".exe"
        for name in names:
            assert (bundle / name.removesuffix(".exe")).exists(), name
    # Sources the script copies, relative to installer/windows/.
    for source in re.findall(r'^Source: "([^"]+)"', iss, flags=re.M):
        if source.startswith("{#Dist}"):
            continue
        assert (ISS.parent / source.replace("\\", "/")).exists(), source


def test_every_command_the_installers_start_exists() -> None:
    parser = build_parser(COMMANDS_WITH_WINDOWS)
    iss = ISS.read_text(encoding="utf-8")
    starts = [p.replace('""', '"') for p in re.findall(r'Parameters: "((?:[^"]|"")*)"', iss)]
    units = [
        line.split("/usr/bin/loket", 1)[1]
        for unit in LINUX.glob("*.service")
        for line in unit.read_text().splitlines()
        if line.startswith("ExecStart=") and "/usr/bin/loket" in line
    ]
    assert len(units) == 3
    checked = 0
    for params in [*starts, *units]:
        words = [w.strip('"') for w in params.split()]
        if not words or words[0] in ("/k",):
            continue
        if words[0] == "--database":
            words = words[2:]
        if words[0] == "supervise":
            words = words[1:]
        try:
            parser.parse_args(words)
        except SystemExit as exc:  # pragma: no cover - the message names the command
            pytest.fail(f"'{' '.join(words)}' is not a loket command ({exc})")
        checked += 1
    assert checked >= 12
