"""Reports: every figure of a known week (tests/loket/reports_day.py) in JSON, CSV and
PDF against the values worked out by hand; the purge changes no figure."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from loket.cli import main
from loket.clock import Clock
from loket.db import Database
from loket.errors import DomainError, PermissionDenied
from loket.events import Actor
from loket.reports.render import report_dict
from loket.services import Loket
from tests.conftest import BACKENDS, ROOT, TUESDAY_9
from tests.loket.reports_day import BRANCH, WEEK, YEAR_BEFORE, drive_known_week

# Worked out by hand from the table in reports_day.py (norm 5:00).
# Called: A1 3:00, B1 8:00, G1 6:00, A2 1:00, B2 7:00, D1 1:00 -> sorted 1,1,3,6,7,8 min.
# On time: A1, A2, D1 = 3. Never called and waited > 5 min: E1 (15 min), E2 (day over) = 2.
TOTAL = {
    "visitors": 9,
    "served": 5,  # A1, G1, A2, B2, D1
    "walked_out": 3,  # E1, C1, E2
    "called": 6,
    "within_norm": 3,
    "missed_uncalled": 2,
    "share_within_norm": 0.375,  # 3 / (6 + 2)
    "p50_minutes": 3.0,  # rank ceil(0.5 * 6) = 3
    "p90_minutes": 8.0,  # rank ceil(0.9 * 6) = 6
    "p95_minutes": 8.0,
    "ratings": 4,
    "mean_score": 7.75,  # (8 + 6 + 8 + 9) / 4
    "target_share": 0.95,
    "target_met": False,
}


@pytest.fixture(scope="module", params=BACKENDS)
def week(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loket]:
    """The known week, driven once per backend for the tests that only read it."""
    name = ""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("week") / "loket.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("postgres_server")
        name = f"t_{uuid.uuid4().hex[:12]}"
        server.create_database(name, template=request.getfixturevalue("postgres_template"))
        url = server.superuser_url(name)
    services = Loket(Database(url), Clock(TUESDAY_9, frozen=True), Actor.system("test"))
    drive_known_week(services)
    yield services
    services.db.dispose()
    if name:
        server.drop_database(name)


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in TOTAL}


def test_every_figure_of_the_known_week(week: Loket):
    data = report_dict(week.reports.report(*WEEK))
    cur = data["current"]
    assert data["targets"] == {"norm_minutes": 5, "target_share": 0.95, "satisfaction": 7.5}
    assert _figures(cur["summary"]) == TOTAL
    assert (cur["summary"]["no_show_called"], cur["summary"]["no_show_appointments"]) == (1, 1)

    groups = {g["key"]: g for g in cur["groups"]}
    # Walk-ins: A1 3, B1 8, G1 6, D1 1 called; E1 and E2 missed -> 2 of 6 on time.
    assert (
        groups["walk_in"]["visitors"],
        groups["walk_in"]["called"],
        groups["walk_in"]["within_norm"],
    ) == (7, 4, 2)
    assert groups["walk_in"]["share_within_norm"] == pytest.approx(2 / 6, abs=1e-4)
    assert (groups["walk_in"]["p50_minutes"], groups["walk_in"]["p90_minutes"]) == (3.0, 8.0)
    assert (
        groups["appointment"]["visitors"],
        groups["appointment"]["share_within_norm"],
        groups["appointment"]["p50_minutes"],
    ) == (1, 1.0, 1.0)
    assert (
        groups["late"]["visitors"],
        groups["late"]["share_within_norm"],
        groups["late"]["p50_minutes"],
    ) == (1, 0.0, 7.0)
    assert groups["late"]["label"] == "Te laat voor afspraak, als inloop geholpen"

    services = {r["key"]: r for r in cur["by_service"]}
    assert {
        k: (
            r["visitors"],
            r["served"],
            r["walked_out"],
            r["share_within_norm"],
            r["ratings"],
            r["mean_score"],
        )
        for k, r in services.items()
    } == {
        "paspoort": (2, 2, 0, 1.0, 2, 8.0),
        "idkaart": (2, 1, 0, 0.0, 0, None),
        "uittreksel": (2, 2, 0, 0.5, 2, 7.5),  # G1 6:00 late, D1 1:00 on time (transferred)
        "verhuizing": (2, 0, 2, 0.0, 0, None),
        "ophalen": (1, 0, 1, None, 0, None),  # left after a minute: no wait to judge
    }
    assert [(r["key"], r["label"], r["visitors"]) for r in cur["by_branch"]] == [
        ("dalfsen", "Gemeentehuis Dalfsen", 9)
    ]
    assert [(r["key"], r["label"]) for r in cur["by_weekday"]] == [("1", "dinsdag")]
    assert _figures(cur["by_weekday"][0]) == TOTAL
    assert [(r["key"], r["label"]) for r in cur["by_week"]] == [("2026-W48", "week 48 (2026)")]
    hours = {r["key"]: r for r in cur["by_hour"]}
    assert {
        k: (r["visitors"], r["called"], r["within_norm"], r["share_within_norm"], r["ratings"])
        for k, r in hours.items()
    } == {
        "09": (7, 5, 2, pytest.approx(2 / 6, abs=1e-4), 3),
        "10": (1, 1, 1, 1.0, 1),
        "12": (1, 0, 0, 0.0, 0),
    }
    assert hours["09"]["label"] == "09:00–10:00"

    assert {c["key"]: c["appointments"] for c in cur["channels"]} == {
        "online": 1,
        "phone": 1,
        "counter": 0,
        "counter_follow_up": 1,
        "import": 0,
    }
    sat = cur["satisfaction"]
    assert (sat["ratings"], sat["mean"], sat["median"], sat["modes"]) == (4, 7.75, 8.0, [8])
    assert (sat["target"], sat["target_met"]) == (7.5, True)
    assert sat["distribution"] == {str(i): {6: 1, 8: 2, 9: 1}.get(i, 0) for i in range(1, 11)}
    assert [(x["key"], x["count"], x["mean"]) for x in sat["sub_scores"]] == [
        ("friendliness", 3, 4.67),  # 5, 4, 5
        ("speed", 3, 4.0),  # 4, 3, 5
        ("expertise", 2, 5.0),  # 5, 5
    ]
    assert cur["paper"] == {"printed": 0, "screen_only": 9}

    prev = data["previous"]
    assert (prev["from"], prev["to"]) == tuple(d.isoformat() for d in YEAR_BEFORE)
    assert (
        prev["summary"]["visitors"],
        prev["summary"]["share_within_norm"],
        prev["summary"]["p50_minutes"],
        prev["satisfaction"]["mean"],
    ) == (1, 1.0, 2.0, 6.0)


def test_filters_by_service_point_and_service(week: Loket):
    only = report_dict(week.reports.report(*WEEK, service="uittreksel"))["current"]["summary"]
    assert (only["visitors"], only["within_norm"], only["share_within_norm"]) == (2, 1, 0.5)
    elsewhere = report_dict(week.reports.report(*WEEK, branch="nieuwleusen"))
    assert elsewhere["current"]["summary"]["visitors"] == 0
    assert elsewhere["current"]["summary"]["share_within_norm"] is None
    assert elsewhere["previous"] is None  # nothing a year earlier either


def test_the_purge_changes_no_figure(loket: Loket):
    drive_known_week(loket)
    week = loket
    before = report_dict(week.reports.report(*WEEK))
    week.clock.set(datetime(2027, 2, 1, 8, 0))  # long past the 30 days
    purged = week.purge_personal_data()
    assert purged.appointments == 3 and purged.ticket_notes == 1
    after = report_dict(week.reports.report(*WEEK))
    assert before.pop("generated_at") != after.pop("generated_at")
    assert after == before


def test_only_team_leaders_make_reports(week: Loket):
    clerk = week.as_actor(week.login_pin("anna", "1111").actor("balie-1"))
    with pytest.raises(PermissionDenied, match="rapportages maken"):
        clerk.reports.report(*WEEK)
    leader = week.as_actor(week.login_pin("eva", "5555").actor("teamleider"))
    assert leader.reports.report(*WEEK).current.total.visitors == 9


def test_a_wrong_period_is_explained(loket: Loket):
    with pytest.raises(DomainError, match="einddatum .* ligt voor de begindatum"):
        loket.reports.report(date(2026, 11, 30), date(2026, 11, 1))
    with pytest.raises(DomainError, match="Vestiging 'nergens' bestaat niet"):
        loket.reports.report(*WEEK, branch="nergens")


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    assert b"\r\n" in data
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_for_dutch_excel_has_the_same_figures(week: Loket):
    rows = _csv(week.reports.render(week.reports.report(*WEEK), "csv"))
    assert rows[0] == [
        "Onderdeel",
        "Sleutel",
        "Omschrijving",
        "Meting",
        "Deze periode",
        "Een jaar eerder",
    ]
    cell = {(r[0], r[1], r[3]): (r[4], r[5]) for r in rows[1:]}
    s = "Samenvatting"
    assert cell[(s, "visitors", "Bezoekers (nummers)")] == ("9", "1")
    assert cell[(s, "share_within_norm", "Op tijd (%)")] == ("37,5", "100")
    assert cell[(s, "p50", "Wachttijd P50 (min)")] == ("3", "2")
    assert cell[(s, "p90", "Wachttijd P90 (min)")] == ("8", "2")
    assert cell[(s, "walked_out", "Weggegaan zonder hulp")] == ("3", "0")
    assert cell[(s, "no_show_appointments", "Afspraak, niet gekomen")] == ("1", "0")
    assert cell[("Op tijd per soort bezoek", "walk_in", "Op tijd (%)")] == ("33,3", "100")
    assert cell[("Per dienst", "uittreksel", "Gemiddeld cijfer")] == ("7,5", "")
    assert cell[("Afspraken gemaakt per kanaal", "counter_follow_up", "Afspraken")] == ("1", "0")
    assert cell[("Tevredenheid", "mean", "Gemiddeld cijfer")] == ("7,75", "6")
    assert cell[("Tevredenheid", "median", "Mediaan cijfer")] == ("8", "6")
    assert cell[("Tevredenheid", "modes", "Meest gegeven cijfer")] == ("8", "6")
    assert cell[("Deelcijfers (1 tot 5)", "friendliness", "Gemiddeld")] == ("4,67", "")
    assert cell[("Papier", "screen_only", "Aantal")] == ("9", "1")
    english = _csv(week.reports.render(week.reports.report(*WEEK), "csv", "en"))
    assert english[0][4] == "This period"
    assert ["Summary", "share_within_norm", "Summary", "On time (%)", "37,5", "100"] in english


def test_pdf_has_real_text_embedded_fonts_and_the_figures(week: Loket, tmp_path: Path):
    pdf = week.reports.render(week.reports.report(*WEEK), "pdf")
    path = tmp_path / "rapport.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    lines = fonts.stdout.splitlines()[2:]
    assert lines and all(" yes " in line for line in lines), fonts.stdout  # all embedded
    assert all("DejaVuSans" in line for line in lines)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "595.276 x 841.89 pts (A4)" in info.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for expected in (
        "Rapportage dienstverlening",
        "Gemeente Dalfsen (demo)",
        "Periode 23-11-2026 – 29-11-2026",
        "Norm binnen 5 minuten opgeroepen",
        "Op tijd (%) 37,5% 100,0% 95,0%",
        "Bezoekers (nummers) 9 1",
        "Geholpen 5 1",
        "Weggegaan zonder hulp 3 0",
        "Opgeroepen, niet gekomen 1 0",
        "Afspraak, niet gekomen 1 0",
        "Wachttijd P50 (min) 3 2",
        "Wachttijd P90 (min) 8 2",
        "Gemiddeld cijfer 7,75 6 7,5",
        "Nummer alleen op scherm 9 1",
        "Zonder afspraak 7 4 2 33,3% 3 8 8",
        "Met afspraak 1 1 1 100,0% 1 1 1",
        "Te laat voor afspraak, als inloop geholpen 1 1 0 0,0% 7 7 7",
        "2 2 0 50,0% 1 6 2 7,5",  # the uittreksel row (its long name wraps)
        "Bewijs van inschrijving",
        "Balie, vervolgafspraak 1 0",
        "Mediaan cijfer 8 6",
        "Vriendelijkheid 3 4,67",
        "Deel op tijd opgeroepen per week",
    ):
        assert expected in flat, expected
    # The charts are drawn, and the pages render: look at page 1 as a PNG.
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 10_000


def test_english_pdf(week: Loket, tmp_path: Path):
    path = tmp_path / "report.pdf"
    path.write_bytes(week.reports.render(week.reports.report(*WEEK), "pdf", "en"))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Service report" in text and "Late for appointment" in text
    assert "Tuesday" in text and "Rapportage" not in text


def test_the_command_line_writes_each_format(week: Loket, tmp_path: Path, capsys):
    url = week.db.url
    out = tmp_path / "week.json"
    base = [
        "--database",
        url,
        "--now",
        "2026-11-30T08:00",
        "report",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-29",
    ]
    assert main([*base, "--format", "json", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["current"]["summary"]["share_within_norm"] == 0.375
    assert (
        main(
            [
                *base,
                "--format",
                "csv",
                "--branch",
                BRANCH,
                "--service",
                "paspoort",
                "--out",
                str(tmp_path / "w.csv"),
            ]
        )
        == 0
    )
    cell = {(r[0], r[1]): r[4] for r in _csv((tmp_path / "w.csv").read_bytes())}
    assert cell[("Samenvatting", "visitors")] == "2"
    assert (
        main([*base, "--format", "pdf", "--language", "en", "--out", str(tmp_path / "w.pdf")]) == 0
    )
    assert (tmp_path / "w.pdf").read_bytes().startswith(b"%PDF")
    capsys.readouterr()
    assert main([*base, "--format", "pdf"]) == 2
    assert "Een PDF gaat naar een bestand" in capsys.readouterr().err


def test_kiosk_cannot_report(loket: Loket):
    kiosk = loket.as_actor(Actor("kiosk-hal", roles=frozenset({"kiosk"})))
    with pytest.raises(PermissionDenied):
        kiosk.reports.report(*WEEK)


def test_targets_from_the_configuration_with_overrides(loket: Loket, tmp_path: Path):
    text = (ROOT / "assets" / "demo" / "municipality.toml").read_text(encoding="utf-8")
    text = text.replace("target_share = 0.95 ", "target_share = 0.9 ")
    text = text.replace('code = "uittreksel"\n', 'code = "uittreksel"\nwait_norm_minutes = 10\n', 1)
    text = text.replace(
        'code = "nieuwleusen"\n', 'code = "nieuwleusen"\nsatisfaction_target = 8.0\n', 1
    )
    path = tmp_path / "gemeente.toml"
    path.write_text(text + '\n[reports]\nmail_to = ["teamleider@dalfsen.example"]\n')
    loket.apply_config(path)
    loket.clock.set(datetime(2026, 11, 24, 9, 0))
    g = loket.issue_ticket(BRANCH, "uittreksel").number
    p = loket.issue_ticket(BRANCH, "paspoort").number
    loket.clock.set(datetime(2026, 11, 24, 9, 6))
    loket.call_ticket(BRANCH, 1, g, "other")
    loket.call_ticket(BRANCH, 2, p, "other")
    data = report_dict(loket.reports.report(*WEEK))
    assert data["targets"] == {"norm_minutes": 5, "target_share": 0.9, "satisfaction": 7.5}
    services = {r["key"]: r["within_norm"] for r in data["current"]["by_service"]}
    assert services == {"paspoort": 0, "uittreksel": 1}  # 6 minutes: within uittreksel's 10
    only = report_dict(loket.reports.report(*WEEK, branch="nieuwleusen"))
    assert only["targets"]["satisfaction"] == 8.0
    assert loket.reports.mail_settings() == (["teamleider@dalfsen.example"], "nl")
    monitor = loket.monitor(BRANCH)
    assert monitor.target_share == 0.9
    assert {s.service: s.called_within_norm for s in monitor.services if s.called} == {
        "paspoort": 0,
        "uittreksel": 1,
    }


def test_printed_tickets_are_counted_apart_from_screen_only(loket: Loket):
    kiosk = loket.as_actor(Actor("kiosk-hal", roles=frozenset({"kiosk"})))
    loket.clock.set(datetime(2026, 11, 24, 9, 0))
    printed = kiosk.issue_ticket(BRANCH, "paspoort").number
    kiosk.issue_ticket(BRANCH, "idkaart")  # the visitor chose "only on screen"
    assert kiosk.record_printed(BRANCH, printed) is True
    assert kiosk.record_printed(BRANCH, printed) is False  # once per ticket
    paper = report_dict(loket.reports.report(*WEEK))["current"]["paper"]
    assert paper == {"printed": 1, "screen_only": 1}
