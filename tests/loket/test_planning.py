"""``loket plan`` on the demo municipality: one stored plan per day for every branch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

TUESDAY = date(2026, 11, 24)


def test_plan_without_history_or_volumes_takes_the_bookings_and_says_so(loket):
    loket.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 24, 14, 0), name="X")
    plan = loket.planning.plan(TUESDAY, time_limit_s=5)
    dalfsen = plan.branch("dalfsen")
    assert dalfsen.forecast_source == "none"
    assert "alleen geboekte afspraken" in dalfsen.forecast_note
    afternoon = {i.start: i for i in dalfsen.intervals}
    assert afternoon["14:00"].need >= 1  # the booked passport needs a counter
    assert afternoon["14:00"].staffed >= 1


def test_the_plan_is_stored_with_a_version_and_read_back(loket):
    first = loket.planning.plan(TUESDAY, time_limit_s=5)
    assert first.version == 1
    assert loket.planning.plan(TUESDAY).version == 1  # read back, not built again
    again = loket.planning.plan(TUESDAY, replan=True, time_limit_s=5)
    assert again.version == 2 and again.trigger == "replan"
    assert [v for v, _at, _t in loket.planning.versions(TUESDAY)] == [1, 2]


def test_plan_learns_from_history(loket, clock):
    # Two earlier Tuesdays with walk-ins at 10:00 for passports.
    for week in (1, 2):
        day = datetime(2026, 11, 24, 10, 0) - timedelta(weeks=week)
        for minute in range(0, 60, 6):
            clock.set(day + timedelta(minutes=minute))
            loket.issue_ticket("dalfsen", "paspoort")
    plan = loket.planning.plan(TUESDAY, time_limit_s=5)
    dalfsen = plan.branch("dalfsen")
    assert dalfsen.forecast_source == "history"
    assert "2 eerdere dinsdagen" in dalfsen.forecast_note
    by_start = {i.start: i for i in dalfsen.intervals}
    assert by_start["10:00"].walk_in > by_start["09:00"].walk_in


def test_a_closed_day_says_why(loket):
    plan = loket.planning.plan(date(2026, 12, 25), time_limit_s=1)
    assert all("feestdag" in (b.closed or "") for b in plan.branches)


def test_the_cli_plans_from_the_database_alone_and_lists_free_slots(sqlite_loket):
    env = {**os.environ, "LOKET_DATABASE_URL": sqlite_loket.db.url}
    env.pop("LOKET_NOW", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "roles", "--now", "2026-11-24T09:00", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    plan = run("plan", "--date", "2026-11-24", "--branch", "dalfsen", "--json")
    assert plan.returncode == 0, plan.stderr
    data = json.loads(plan.stdout)
    assert data["version"] == 1 and set(data["branches"]) == {"dalfsen"}
    slots = run(
        "appointment", "slots", "--branch", "dalfsen", "--service", "paspoort",
        "--date", "2026-11-24", "--json",
    )  # fmt: skip
    assert slots.returncode == 0, slots.stderr
    starts = [s["start"] for s in json.loads(slots.stdout)["slots"]]
    assert starts and all(s[-2:] in {"00", "15", "30", "45"} for s in starts)
    off = run(
        "appointment", "book", "--branch", "dalfsen", "--service", "paspoort",
        "--start", "2026-11-24T14:07", "--name", "X",
    )  # fmt: skip
    assert off.returncode != 0 and "14:05 of 14:10" in off.stderr
