"""Configuration of a municipality: validation and idempotent apply."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from loket.config import parse_config
from loket.errors import ConfigError
from tests.conftest import DEMO_CONFIG


def _raw() -> dict:
    return tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))


def _problems(raw: dict) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(raw)
    return info.value.problems


def test_demo_configuration_models_the_dalfsen_table(loket):
    data = loket.show_config()
    branches = {b["code"]: b for b in data["branches"]}
    assert set(branches) == {"dalfsen", "nieuwleusen", "lemelerveld"}
    tuesday = [h for h in branches["dalfsen"]["hours"] if h["weekday"] == 1]
    assert [(h["from"], h["to"], h["mode"]) for h in tuesday] == [
        ("08:30", "12:30", "mixed"),
        ("13:00", "16:30", "appointment"),
    ]
    monday = [h for h in branches["dalfsen"]["hours"] if h["weekday"] == 0]
    assert monday[0]["to"] == "20:00"
    lemelerveld = branches["lemelerveld"]["hours"]
    assert [(h["weekday"], h["from"], h["to"]) for h in lemelerveld] == [(2, "15:30", "17:30")]
    services = {s["code"]: s for s in data["services"]}
    assert services["ophalen"]["branches"] == ["dalfsen"]
    assert all(5 <= s["duration_minutes"] <= 30 for s in services.values())
    assert "pin" not in str(data["staff"])


def test_applying_the_same_file_again_changes_nothing(loket):
    loket.apply_config(DEMO_CONFIG)  # the fixture's template leaves out the demo's volumes
    report = loket.apply_config(DEMO_CONFIG)
    assert (report.created, report.updated, report.deactivated) == (0, 0, 0)


def test_a_removed_service_is_deactivated_not_deleted(loket, tmp_path: Path):
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    start = text.index('[[services]]\ncode = "huwelijk"')
    end = text.index("[[counters]]")
    changed = tmp_path / "muni.toml"
    changed.write_text(
        text[:start] + text[end:].replace(', "huwelijk"', "").replace(", huwelijk = 1.0", ""),
        encoding="utf-8",
    )
    report = loket.apply_config(changed)
    assert report.deactivated >= 1
    assert "huwelijk" not in {s["code"] for s in loket.show_config()["services"]}


def test_errors_name_the_field_and_what_is_wrong():
    raw = _raw()
    raw["services"][0]["prefix"] = "a1"
    raw["services"][1]["branches"] = ["dalfsen", "zwolle"]
    raw["branches"][0]["hours"]["monday"] = [
        {"from": "08:30", "to": "12:30"},
        {"from": "12:00", "to": "13:00"},
    ]
    raw["branches"][1]["hours"]["tuesday"] = [{"from": "25:00", "to": "20:00"}]
    raw["counters"][0]["services"].append("huwelijk")
    raw["staff"][0]["roles"] = ["baas"]
    raw["municipality"]["wait_norm_minutes"] = "vijf"
    problems = "\n".join(_problems(raw))
    assert "services[0] (paspoort).prefix: moet 1 of 2 hoofdletters zijn, niet 'a1'" in problems
    assert "services[1] (idkaart).branches: vestiging 'zwolle' bestaat niet" in problems
    assert (
        "branches[0] (dalfsen).hours.monday: perioden overlappen: 08:30-12:30 en 12:00-13:00"
        in problems
    )
    assert "branches[1] (nieuwleusen).hours.tuesday[0].from: moet een tijd zijn" in problems
    assert "counters[0].services: dienst 'huwelijk' wordt niet aangeboden" not in problems
    assert "staff[0].roles: onbekende rol 'baas'" in problems
    assert "municipality.wait_norm_minutes: moet een heel getal zijn" in problems


def test_duplicate_prefix_and_missing_fields_are_reported():
    raw = _raw()
    raw["services"][1]["prefix"] = "A"
    del raw["branches"][2]["name"]
    raw["counters"][5]["services"].append("ophalen")
    problems = "\n".join(_problems(raw))
    assert "services[1] (idkaart).prefix: 'A' is al de letter van dienst 'paspoort'" in problems
    assert "branches[2] (lemelerveld).name: ontbreekt (verplicht veld)" in problems
    assert (
        "counters[5].services: dienst 'ophalen' wordt niet aangeboden in 'lemelerveld'" in problems
    )


def test_a_file_that_is_not_toml_says_so(tmp_path: Path):
    from loket.config import load_config

    bad = tmp_path / "bad.toml"
    bad.write_text("[municipality\nname = 'x'", encoding="utf-8")
    with pytest.raises(ConfigError, match="geen geldige TOML"):
        load_config(bad)


def test_smtp_settings_are_stored_without_a_password(loket, tmp_path: Path):
    changed = tmp_path / "muni.toml"
    changed.write_text(
        DEMO_CONFIG.read_text(encoding="utf-8")
        + """
[smtp]
host = "smtp.example.org"
port = 2525
sender = "afspraken@example.org"
starttls = false
""",
        encoding="utf-8",
    )
    loket.apply_config(changed)
    smtp = loket.smtp_settings()
    assert (smtp.host, smtp.port, smtp.sender, smtp.starttls) == (
        "smtp.example.org",
        2525,
        "afspraken@example.org",
        False,
    )
    with_password = tmp_path / "bad.toml"
    with_password.write_text(
        changed.read_text(encoding="utf-8") + 'password = "geheim"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="smtp.password: zet het wachtwoord niet in het bestand"):
        loket.apply_config(with_password)


def test_a_closure_made_at_reception_survives_applying_the_file(loket):
    from datetime import date

    loket.close_day("nieuwleusen", date(2026, 11, 30), "Verbouwing")
    loket.apply_config(DEMO_CONFIG)
    closed = loket.planning.plan(date(2026, 11, 30), work_limit=1).branch("nieuwleusen").closed
    assert closed is not None and closed.endswith("Verbouwing")
