"""The command line as staff IT and scripts use it: the acceptance steps of [core]."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_CONFIG


def loket(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOKET_DATABASE_URL": url}
    env.pop("LOKET_NOW", None)
    return subprocess.run(
        [sys.executable, "-m", "roles", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_acceptance_steps_on_a_new_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'acc' / 'loket.db'}"
    first = loket("ticket", "issue", "--branch", "dalfsen", "--service", "paspoort", url=url)
    assert first.returncode == 2
    assert "loket db upgrade" in first.stderr

    assert loket("db", "upgrade", url=url).returncode == 0
    applied = loket("config", "apply", str(DEMO_CONFIG), url=url)
    assert applied.returncode == 0, applied.stderr
    again = loket("config", "apply", str(DEMO_CONFIG), url=url)
    assert "0 nieuw, 0 gewijzigd, 0 uitgezet" in again.stdout

    shown = json.loads(loket("config", "show", "--json", url=url).stdout)
    assert {b["code"] for b in shown["branches"]} == {"dalfsen", "nieuwleusen", "lemelerveld"}
    assert {"anna", "carla", "eva"} <= {s["code"] for s in shown["staff"]}

    issued = loket(
        "--now",
        "2026-11-24T09:00",
        "ticket",
        "issue",
        "--branch",
        "dalfsen",
        "--service",
        "paspoort",
        "--json",
        url=url,
    )
    ticket = json.loads(issued.stdout)
    assert (ticket["number"], ticket["status"]) == ("A 1", "waiting")

    called = json.loads(
        loket(
            "--now",
            "2026-11-24T09:02",
            "ticket",
            "call",
            "--branch",
            "dalfsen",
            "--counter",
            "1",
            "--json",
            url=url,
        ).stdout
    )
    assert (called["id"], called["status"], called["counter"]) == (ticket["id"], "called", 1)
    assert called["reason"] == "A 1: 2 min wachten"

    refused = loket(
        "--now",
        "2026-11-24T14:00",
        "ticket",
        "issue",
        "--branch",
        "dalfsen",
        "--service",
        "paspoort",
        url=url,
    )
    assert refused.returncode == 2
    assert "alleen mensen met een afspraak" in refused.stderr


def test_appointment_booked_and_checked_in_from_the_command_line(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'loket.db'}"
    loket("db", "upgrade", url=url)
    loket("config", "apply", str(DEMO_CONFIG), url=url)
    booked = json.loads(
        loket(
            "--now",
            "2026-11-23T15:00",
            "appointment",
            "book",
            "--branch",
            "dalfsen",
            "--service",
            "idkaart",
            "--start",
            "2026-11-24T10:30",
            "--name",
            "Proef Persoon",
            "--json",
            url=url,
        ).stdout
    )
    assert booked["reference"] and booked["code"] and booked["short_code"]
    env_now = {**os.environ, "LOKET_DATABASE_URL": url, "LOKET_NOW": "2026-11-24T10:20"}
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "roles",
            "appointment",
            "checkin",
            "--code",
            booked["code"],
            "--branch",
            "dalfsen",
            "--json",
        ],
        env=env_now,
        capture_output=True,
        text=True,
        timeout=60,
    )
    result = json.loads(checked.stdout)
    assert result["ticket"]["number"] == "B 1"
    assert result["message"].startswith("Welkom, u bent ingecheckt")
    twice = subprocess.run(
        [sys.executable, "-m", "roles", "appointment", "checkin", "--code", booked["code"]],
        env=env_now,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert twice.returncode == 2 and "al gebruikt" in twice.stderr


def test_help_lists_the_roles_and_operations():
    out = subprocess.run(
        [sys.executable, "-m", "roles", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    for word in (
        "kiosk",
        "display",
        "counter",
        "reception",
        "manager",
        "demo",
        "ticket",
        "appointment",
        "queue",
        "config",
        "db",
        "--now",
    ):
        assert word in out
