"""The municipality file is declared once: unknown keys, defaults and the generated docs."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect as sa_inspect

from loket import models
from loket.config import parse_config
from loket.config_schema import ROOT, SECTIONS, markdown
from loket.dispatch_policies import live_policy
from loket.errors import ConfigError
from loket.services import Loket
from scheduler.dispatch import APPOINTMENT, WALK_IN, CounterContext, DispatchPolicy, WaitingTicket
from tests.conftest import DEMO_CONFIG
from tests.conftest import ROOT as REPO

DOCS = REPO / "docs" / "configuration.md"


def _raw() -> dict[str, Any]:
    return tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))


def _problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(raw)
    return info.value.problems


def test_a_misspelt_key_is_refused_and_nothing_is_applied(sqlite_loket: Loket, tmp_path: Path):
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    changed = text.replace("wait_norm_minutes = 5 ", "wait_norm_minute = 10 ").replace(
        "max_calls = 3 ", "max_calls = 4 "
    )
    assert changed != text
    path = tmp_path / "muni.toml"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        sqlite_loket.apply_config(path)
    assert info.value.problems == [
        "municipality.wait_norm_minute: onbekende instelling in [municipality]; "
        "bedoelt u 'wait_norm_minutes'?"
    ]
    # The valid change in the same file (max_calls) was not applied either.
    muni = sqlite_loket.show_config()["municipality"]
    assert (muni["wait_norm_minutes"], muni["max_calls"]) == (5, 3)


def test_unknown_keys_at_every_level_name_the_place_and_the_nearest_name():
    raw = _raw()
    raw["smpt"] = {"host": "smtp.example.org", "sender": "a@example.org"}
    raw["services"][0]["price"] = 12
    raw["branches"][0]["hours"]["mondag"] = raw["branches"][0]["hours"].pop("monday")
    raw["branches"][1]["hours"]["monday"][0]["form"] = "08:30"
    raw["branches"][0]["exceptions"][0]["reden"] = "x"
    raw["services"][1]["name"]["fr"] = "Carte d'identité"
    raw["staff"][0]["skils"] = {}
    problems = _problems(raw)
    text = "\n".join(problems)
    assert "smpt: onbekende instelling in het bestand; bedoelt u 'smtp'?" in problems
    assert "services[0] (paspoort).price: onbekende instelling in [[services]]; bedoelt u" in text
    assert (
        "branches[0] (dalfsen).hours.mondag: onbekende instelling in [branches.hours]; "
        "bedoelt u 'monday'?" in problems
    )
    assert (
        "branches[1] (nieuwleusen).hours.monday[0].form: onbekende instelling in "
        "{ from, to, mode }; bedoelt u 'from'?" in problems
    )
    assert "branches[0] (dalfsen).exceptions[0].reden: onbekende instelling" in text
    assert "bedoelt u 'reason'?" in text
    assert (
        "services[1] (idkaart).name.fr: taal 'fr' staat niet in municipality.languages "
        "(nl, en, de, pl, tr, uk, ar); voeg de taal daar toe of haal deze tekst weg" in problems
    )
    assert "staff[0].skils: onbekende instelling in [[staff]]; bedoelt u 'skills'?" in problems
    assert len(problems) == 7


def test_a_key_far_from_every_name_lists_the_valid_names():
    raw = _raw()
    raw["municipality"]["xyz"] = 1
    (problem,) = _problems(raw)
    assert problem.startswith("municipality.xyz: onbekende instelling in [municipality]")
    assert "Geldige namen: name, wait_norm_minutes, max_calls" in problem


def test_unknown_smtp_key_is_refused_with_a_suggestion():
    raw = _raw()
    raw["smtp"] = {"hots": "smtp.example.org", "sender": "a@example.org"}
    problems = _problems(raw)
    assert "smtp.hots: onbekende instelling in [smtp]; bedoelt u 'host'?" in problems
    assert any(p.startswith("smtp.host: ontbreekt (verplicht veld)") for p in problems)


def test_docs_configuration_is_generated_from_the_declarations():
    stale = "docs/configuration.md is stale: python -m loket.config_schema > docs/configuration.md"
    assert DOCS.read_text(encoding="utf-8") == markdown(), stale
    for section in SECTIONS.values():
        for key in section.keys():  # noqa: SIM118 (Section is not a dict)
            assert f"| `{key}` |" in markdown()


def test_model_defaults_are_the_declared_defaults():
    """A column holding a declared setting takes its default from the declaration."""
    checked = 0
    for section in ROOT.walk():
        if section.model is None:
            continue
        mapper = sa_inspect(getattr(models, section.model))
        for setting in section.settings:
            if setting.column is None:
                continue
            for column in (mapper.columns[setting.column],):
                assert column is not None, f"{section.name}.{setting.key}"
                default = column.default
                if default is None or default.is_callable or setting.required:
                    continue
                assert default.arg == setting.default, f"{section.name}.{setting.key}"
                checked += 1
    assert checked >= 10


def test_the_live_dispatch_policy_is_chosen_in_the_file(sqlite_loket: Loket, tmp_path: Path):
    raw = _raw()
    raw["municipality"]["dispatch_policy"] = "first_come"
    (problem,) = _problems(raw)
    assert problem == (
        "municipality.dispatch_policy: moet loket of longest_wait zijn, niet 'first_come'"
    )
    text = DEMO_CONFIG.read_text(encoding="utf-8").replace(
        "max_calls = 3 ", 'dispatch_policy = "longest_wait"\nmax_calls = 3 '
    )
    path = tmp_path / "muni.toml"
    path.write_text(text, encoding="utf-8")
    sqlite_loket.apply_config(path)
    assert sqlite_loket.show_config()["municipality"]["dispatch_policy"] == "longest_wait"


def test_longest_wait_calls_the_longest_waiting_where_loket_lets_the_appointment_go_first():
    now = datetime(2026, 11, 24, 10, 0)
    counter = CounterContext(1, {"A": 1.0})
    walk_in = WaitingTicket(1, "A 1", "A", WALK_IN, now - timedelta(minutes=1))
    appointment = WaitingTicket(
        2, "A 2", "A", APPOINTMENT, now - timedelta(minutes=10), appointment_time=now
    )
    later = WaitingTicket(
        3, "A 3", "A", APPOINTMENT, now, appointment_time=now + timedelta(hours=1)
    )
    waiting = [walk_in, appointment, later]
    rules = DispatchPolicy()
    loket_pick = live_policy("loket")(counter, waiting, now, rules)
    longest = live_policy("longest_wait")(counter, waiting, now, rules)
    assert loket_pick is not None and loket_pick.ticket_id == 2
    assert longest is not None and longest.ticket_id == 1
    assert longest.reason == "A 1: 1 min wachten, langst wachtend"
    assert live_policy("longest_wait")(CounterContext(1, {"B": 1.0}), waiting, now, rules) is None


def test_optional_texts_may_be_left_out():
    """A file without the optional texts (info line, what to bring) is valid: every
    language gets the declared default."""
    raw = _raw()
    raw["municipality"].pop("info_line", None)
    for service in raw["services"]:
        service.pop("bring", None)
    spec = parse_config(raw)
    assert spec.municipality.columns["info_line_text"] == {}
    assert all(s.columns["bring_text"] == {} for s in spec.services)


def test_a_text_in_a_language_not_in_the_list_is_refused_not_dropped():
    """[municipality] languages decides which texts a localized setting may hold."""
    raw = _raw()
    raw["municipality"]["languages"] = ["nl", "en"]
    assert "services[0] (paspoort).name.de: taal 'de' staat niet in municipality.languages " in (
        "\n".join(_problems(raw))
    )
    raw["municipality"]["languages"] = ["nl", "en", "de"]
    for service in raw["services"]:
        for key in ("name", "bring"):
            if isinstance(service.get(key), dict):
                service[key] = {k: v for k, v in service[key].items() if k in ("nl", "en", "de")}
    for branch in raw["branches"]:
        if isinstance(branch.get("wait_area"), dict):
            branch["wait_area"] = {
                k: v for k, v in branch["wait_area"].items() if k in ("nl", "en", "de")
            }
    raw["municipality"]["info_line"] = {"nl": "Welkom", "de": "Willkommen"}
    spec = parse_config(raw)
    assert spec.branches[0].columns["wait_area_text"]["de"] == "Wartebereich in der Halle"
    assert spec.services[0].columns["name_text"]["de"] == "Reisepass beantragen"
    assert spec.municipality.columns["info_line_text"] == {"nl": "Welkom", "de": "Willkommen"}
    assert spec.municipality.columns["languages"] == ["nl", "en", "de"]


def test_the_language_list_holds_dutch_and_only_shipped_languages():
    raw = _raw()
    raw["municipality"]["languages"] = ["en", "xx"]
    problems = "\n".join(_problems(raw))
    assert 'municipality.languages: moet "nl" bevatten' in problems
    assert "onbekende taal (geen vertaling in assets/translations) 'xx'" in problems


def test_texts_too_long_for_their_column_or_with_control_characters_are_named():
    """The same limits as every other input (loket.limits): PostgreSQL would otherwise
    refuse the row with a message nobody can act on."""
    raw = _raw()
    raw["municipality"]["name"] = "Gemeente\x00Dalfsen"
    raw["branches"][0]["name"] = "D" * 300
    raw["staff"][0]["name"] = "Anna\tde Vries"
    problems = _problems(raw)
    assert "municipality.name: bevat tekens die niet kunnen (bijvoorbeeld een tab of NUL)" in (
        problems
    )
    assert any(
        p.startswith("branches[0]")
        and p.endswith(".name: is te lang: hoogstens 120 tekens, nu 300")
        for p in problems
    ), problems
    assert any(p.startswith("staff[0]") and "tekens die niet kunnen" in p for p in problems)
    # The columns' own lengths, not one number: a service code is short, a name longer.
    column = models.Branch.__table__.c["name"]
    assert getattr(column.type, "length", None) == 120
