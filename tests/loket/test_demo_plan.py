"""The shipped demo municipality books by its day plan: its configuration has expected
volumes (assets/demo/municipality.toml), so the plan has a forecast and booking
capacity comes from the plan, leaving room for the walk-ins it expects."""

from __future__ import annotations

import math
from datetime import date, datetime

from loket import capacity
from tests.conftest import DEMO_CONFIG
from tests.loket.plan_setup import book_until_full

TUESDAY = date(2026, 11, 24)


def test_the_demo_books_by_its_plan_and_leaves_room_for_walk_ins(loket):
    loket.apply_config(DEMO_CONFIG)  # the fixture starts without the demo's volumes
    accepted, refusal = book_until_full(loket, datetime(2026, 11, 24, 10, 0), 10)
    plan = loket.planning.stored(TUESDAY)
    assert plan is not None, "booking built the day's plan"
    assert plan.branch("dalfsen").forecast_source == "config"
    # Tuesday: the town hall and the evening session in Nieuwleusen (Lemelerveld shut).
    assert {b.code for b in plan.branches if b.closed is None} == {"dalfsen", "nieuwleusen"}
    # As many as the plan's room for passports in the 10:00 hour, within the colleagues
    # on duty; not the old rule (the three counters equipped for passports).
    with loket.db.read() as session:
        data = capacity.current_data(session, TUESDAY)
    assert data is not None
    dalfsen = data["branches"]["dalfsen"]
    first = (10 * 60 - dalfsen["start_minute"]) // dalfsen["slot_minutes"]
    room = sum(dalfsen["capacity"]["paspoort"][first : first + capacity.BLOCK])
    staffed = min(i["staffed"] for i in dalfsen["intervals"][first : first + 1])
    assert accepted == min(math.floor(room + 1e-6), staffed)
    assert accepted != 3
    assert refusal is not None and refusal.code == "full"
    assert "Wel vrij:" in refusal.message
