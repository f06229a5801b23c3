"""``loket plan`` on the demo municipality: need, roster, capacity, share within the norm."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.conftest import ROOT

SCENARIO = ROOT / "assets" / "scenarios" / "demo_week.toml"


def test_plan_without_history_uses_booked_appointments_and_says_so(loket):
    loket.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 24, 14, 0), name="X")
    plan = loket.plan("dalfsen", date(2026, 11, 24))
    assert "alleen geboekte afspraken" in plan["notes"][0]
    afternoon = {i["start"]: i for i in plan["intervals"]}
    assert afternoon["14:00"]["need"] >= 1  # the booked passport needs a counter
    assert afternoon["14:00"]["staffed"] >= 1


def test_plan_with_a_scenario_staffs_the_morning_and_reports_the_share(loket):
    plan = loket.plan("dalfsen", date(2026, 11, 24), SCENARIO)
    morning = [i for i in plan["intervals"] if "09:00" <= i["start"] < "12:00"]
    assert all(i["need"] >= 1 for i in morning)
    assert plan["roster"]["shifts"], "somebody is rostered"
    for shift in plan["roster"]["shifts"]:
        assert shift["staff"] in {"anna", "bram", "daan", "fenna", "gijs"}  # counter staff only
    assert 0 < plan["predicted_share_within_norm"] <= 1
    assert plan["appointments"]


def test_plan_learns_from_history(loket, clock):
    # Two earlier Tuesdays with walk-ins at 10:00 for passports.
    for week in (1, 2):
        day = datetime(2026, 11, 24, 10, 0) - timedelta(weeks=week)
        for minute in range(0, 60, 6):
            clock.set(day + timedelta(minutes=minute))
            loket.issue_ticket("dalfsen", "paspoort")
    plan = loket.plan("dalfsen", date(2026, 11, 24))
    assert "2 eerdere dinsdagen" in plan["notes"][0]
    by_start = {i["start"]: i for i in plan["intervals"]}
    assert by_start["10:00"]["arrivals"] > by_start["09:00"]["arrivals"]


def test_a_closed_day_says_why(loket):
    plan = loket.plan("dalfsen", date(2026, 12, 25))
    assert "feestdag" in plan["notes"][0]
