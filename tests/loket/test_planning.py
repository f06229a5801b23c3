"""``loket plan`` on the demo municipality: one stored plan per day for every branch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from loket.events import Actor

TUESDAY = date(2026, 11, 24)


def test_plan_without_history_or_volumes_takes_the_bookings_and_says_so(loket):
    loket.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 24, 14, 0), name="X")
    plan = loket.planning.plan(TUESDAY)
    dalfsen = plan.branch("dalfsen")
    assert dalfsen.forecast_source == "none"
    assert "alleen geboekte afspraken" in dalfsen.forecast_note
    afternoon = {i.start: i for i in dalfsen.intervals}
    assert afternoon["14:00"].need >= 1  # the booked passport needs a counter
    assert afternoon["14:00"].staffed >= 1


def test_the_plan_is_stored_with_a_version_and_read_back(loket):
    first = loket.planning.plan(TUESDAY)
    assert first.version == 1
    assert loket.planning.plan(TUESDAY).version == 1  # read back, not built again
    again = loket.planning.plan(TUESDAY, replan=True)
    assert again.version == 2 and again.trigger == "replan"
    assert [v for v, _at, _t in loket.planning.versions(TUESDAY)] == [1, 2]


def test_plan_learns_from_history(loket, clock):
    # Two earlier Tuesdays with walk-ins at 10:00 for passports.
    for week in (1, 2):
        day = datetime(2026, 11, 24, 10, 0) - timedelta(weeks=week)
        for minute in range(0, 60, 6):
            clock.set(day + timedelta(minutes=minute))
            loket.issue_ticket("dalfsen", "paspoort")
    plan = loket.planning.plan(TUESDAY)
    dalfsen = plan.branch("dalfsen")
    assert dalfsen.forecast_source == "history"
    assert "2 eerdere dinsdagen" in dalfsen.forecast_note
    by_start = {i.start: i for i in dalfsen.intervals}
    assert by_start["10:00"].walk_in > by_start["09:00"].walk_in


def test_a_closed_day_says_why(loket):
    plan = loket.planning.plan(date(2026, 12, 25), work_limit=1)
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
    assert data["branches"]["dalfsen"]["target"] == {"share": 0.95, "norm_minutes": 5.0}
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


def test_the_same_database_gives_the_same_plan_whatever_the_machine_load(loket):
    """The solver stops at a deterministic work limit on one worker with a fixed seed,
    never at a wall-clock limit: building again from the same data gives the very same
    plan (rosters, seats, capacity), and the stored plan is that plan."""
    from loket import plan_builder

    for weekday in range(5):
        loket.planning.set_expected_volume("dalfsen", "paspoort", weekday, 30, 8)
        loket.planning.set_expected_volume("dalfsen", "idkaart", weekday, 15, 4)
    stored = loket.planning.plan(TUESDAY, work_limit=1.0)
    with loket.db.read() as session:
        again = plan_builder.build(session, TUESDAY, None, work_limit=1.0)
        once_more = plan_builder.build(session, TUESDAY, None, work_limit=1.0)
    again["changes"] = once_more["changes"] = plan_builder.changes(None, again)
    assert again == once_more
    assert again["branches"]["dalfsen"]["shifts"], "the town hall is staffed"
    assert loket.planning.stored(TUESDAY) == stored
    with loket.db.read() as session:
        from loket.plan_service import current_data

        assert current_data(session, TUESDAY) == again


def test_the_plan_staffs_for_the_configured_targets_and_their_overrides(sqlite_loket):
    """The norm and target share come from the configuration (municipality, then a
    service point's override, then the strictest override of a service offered there)
    and decide how many colleagues each quarter hour needs."""
    from sqlalchemy import update

    from loket import plan_builder
    from loket.models import Branch, Municipality, Service

    loket = sqlite_loket
    for weekday in range(5):
        loket.planning.set_expected_volume("dalfsen", "paspoort", weekday, 40, 8)
        loket.planning.set_expected_volume("dalfsen", "idkaart", weekday, 20, 4)
        loket.planning.set_expected_volume("nieuwleusen", "paspoort", weekday, 4, 1)

    def plan() -> tuple[dict[str, dict[str, float]], int]:
        with loket.db.read() as session:
            data = plan_builder.build(session, TUESDAY, None, work_limit=0.5)
        branches = {c: b for c, b in data["branches"].items() if b.get("closed") is None}
        need = sum(i["need"] for i in branches["dalfsen"]["intervals"])
        return {c: b["target"] for c, b in branches.items()}, need

    def change(statement) -> None:  # type: ignore[no-untyped-def]
        with loket.db.write() as session:
            session.execute(statement)

    targets, strict_need = plan()
    assert targets["dalfsen"] == {"share": 0.95, "norm_minutes": 5.0}
    # The municipality's norm goes to 10 minutes for 80% of visitors: fewer needed.
    change(update(Municipality).values(wait_norm_minutes=10, target_share=0.8))
    targets, lenient_need = plan()
    assert targets == {
        "dalfsen": {"share": 0.8, "norm_minutes": 10.0},
        "nieuwleusen": {"share": 0.8, "norm_minutes": 10.0},
    }
    assert lenient_need < strict_need
    # The town hall keeps 95% (its own override); Nieuwleusen follows the municipality.
    change(update(Branch).where(Branch.code == "dalfsen").values(target_share=0.95))
    targets, _need = plan()
    assert targets["dalfsen"] == {"share": 0.95, "norm_minutes": 10.0}
    assert targets["nieuwleusen"] == {"share": 0.8, "norm_minutes": 10.0}
    # A service with a stricter norm (passports within 3 minutes) tightens the plan of
    # every service point offering it.
    change(update(Service).where(Service.code == "paspoort").values(wait_norm_minutes=3))
    targets, passport_need = plan()
    assert targets["dalfsen"] == {"share": 0.95, "norm_minutes": 3.0}
    assert targets["nieuwleusen"] == {"share": 0.8, "norm_minutes": 3.0}
    assert passport_need > lenient_need


def test_punctuality_from_the_event_log_moves_bookings_in_plan_and_prediction(loket, clock):
    """Booked visitors of the last weeks checked in 8 minutes after their time: the
    plan says so, counts this Tuesday's bookings where those visitors will arrive, and
    the live prediction expects a booked visitor 8 minutes after the time."""
    from loket import capacity, queue_state

    reception = loket.as_actor(Actor("receptie-1", roles=frozenset({"reception"})))
    for week in (1, 2):
        day = datetime(2026, 11, 24) - timedelta(weeks=week)
        clock.set(day.replace(hour=8))
        booked = [
            reception.book_appointment(
                "dalfsen", "paspoort", day.replace(hour=10, minute=m), name=f"Inwoner {m}"
            )
            for m in (0, 30)
        ]
        for b in booked:
            clock.set(b.start + timedelta(minutes=8))
            reception.check_in_reference(b.reference, "dalfsen")
    clock.set(datetime(2026, 11, 24, 9, 0))
    reception.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 24, 10, 0), name="Z")
    plan = loket.planning.plan(TUESDAY, work_limit=0.5)
    dalfsen = plan.branch("dalfsen")
    assert dalfsen.forecast_source == "history"
    assert "Afspraken: meestal 8 min te laat (100% komt na de afgesproken tijd)." in (
        dalfsen.forecast_note
    )
    with loket.db.read() as session:
        data = capacity.current_data(session, TUESDAY)
        assert data is not None
        punctuality = data["branches"]["dalfsen"]["forecast"]["punctuality"]
        assert punctuality == {"median_minutes": 8.0, "late_share": 1.0, "visits": 4}
        arrivals = {i["start"]: i["arrivals"] for i in data["branches"]["dalfsen"]["intervals"]}
        # The 10:00 booking: 7/15 of it in 10:00-10:15, 8/15 in 10:15-10:30.
        assert arrivals["10:15"] > arrivals["10:00"] > 0
        coverage = queue_state.branch_coverage(session, 1, TUESDAY)
        state = queue_state.live_state(session, 1, TUESDAY, clock.now(), None, coverage)
    assert [(code, f"{at:%H:%M}") for code, at in state.upcoming] == [("paspoort", "10:08")]


def test_the_live_prediction_uses_the_service_times_the_plan_learnt(loket, clock):
    """Ten ID-card visits of 6 and 10 minutes on earlier Tuesdays (configured: 12): the
    plan's forecast has mean 8 and their spread, and the live prediction uses those."""
    from loket import queue_state
    from loket.models import Staff

    with loket.db.read() as session:
        anna = session.scalar(select(Staff.id).where(Staff.code == "anna"))
    desk = loket.as_actor(Actor("balie-1", staff_id=anna, roles=frozenset({"counter"})))
    for week in (1, 2):
        moment = datetime(2026, 11, 24, 9, 0) - timedelta(weeks=week)
        for k in range(5):
            clock.set(moment)
            number = loket.issue_ticket("dalfsen", "idkaart").number
            called = desk.call_next("dalfsen", 1)
            assert called is not None and called.number == number
            desk.start("dalfsen", number)
            moment += timedelta(minutes=6 if k % 2 else 10)
            clock.set(moment)
            desk.finish("dalfsen", number)
    clock.set(datetime(2026, 11, 24, 9, 0))
    plan = loket.planning.plan(TUESDAY, work_limit=0.5)
    assert plan.branch("dalfsen").forecast_source == "history"
    with loket.db.read() as session:
        coverage = queue_state.branch_coverage(session, 1, TUESDAY)
        state = queue_state.live_state(session, 1, TUESDAY, clock.now(), None, coverage)
    assert state.mean_minutes["idkaart"] == pytest.approx(8.4, abs=0.05)  # 3x10 + 2x6 / 5
    assert state.cv["idkaart"] == pytest.approx(0.25, abs=0.03)
    assert state.mean_minutes["paspoort"] == 15.0  # no history: the configured duration


def test_the_live_state_has_each_walk_ins_moment_to_the_microsecond(loket, clock):
    """The walk-ins' moments reach the prediction exact (SQLite's stored text parsed,
    PostgreSQL's read in binary as microseconds), a microsecond before a whole second
    too (SQLite's own date functions would round that to the next second)."""
    from loket import queue_state, waiting_list

    moments = [
        datetime(2026, 11, 24, 9, 0, 0, 999_999),
        datetime(2026, 11, 24, 9, 0, 1, 1),
        datetime(2026, 11, 24, 9, 7, 59, 500_000),
        datetime(2026, 11, 24, 9, 8, 0),
    ]
    from loket.models import Ticket

    clock.set(datetime(2026, 11, 24, 9, 0))
    issued = [loket.issue_ticket("dalfsen", ("paspoort", "idkaart")[i % 2]) for i in range(4)]
    with loket.db.write() as session:  # the clock keeps whole seconds; a PC's may not
        for view, moment in zip(issued, moments, strict=True):
            session.get_one(Ticket, view.id).wait_from = moment
    # An edit outside Loket records no event: the process's list sees it at its next
    # whole read (loket.waiting_list, waiting_list_pg), which this makes the next one.
    waiting_list.forget(loket.db.engine)
    now = datetime(2026, 11, 24, 9, 12, 30, 250_001)
    with loket.db.read() as session:
        state = queue_state.live_state(session, 1, now.date(), now)
    assert list(state.walk_ins) == [
        (view.service, moment) for view, moment in zip(issued, moments, strict=True)
    ]


def test_the_live_state_reads_each_waiting_ticket_once_in_its_place(loket, clock):
    """Walk-ins go to the prediction as (service, since) in the order they came, the
    checked-in appointment in full, the called visit as a busy counter; a ticket being
    checked in is left out of its own queue."""
    from loket import queue_state

    clock.set(datetime(2026, 11, 24, 9, 0))
    first = loket.issue_ticket("dalfsen", "idkaart")
    clock.set(datetime(2026, 11, 24, 9, 5))
    booked = loket.book_appointment(
        "dalfsen", "paspoort", datetime(2026, 11, 24, 10, 0), name="J. de Vries"
    )
    appointment, _ = loket.check_in(booked.code, "dalfsen")
    second = loket.issue_ticket("dalfsen", "paspoort")
    third = loket.issue_ticket("dalfsen", "idkaart")
    called = loket.call_ticket("dalfsen", 1, first.number, "manual")
    assert called.status == "called"
    now = clock.now()
    with loket.db.read() as session:
        state = queue_state.live_state(session, 1, now.date(), now)
        without = queue_state.live_state(session, 1, now.date(), now, third.id)
        without_appointment = queue_state.live_state(session, 1, now.date(), now, appointment.id)
    assert state.walk_ins == [("paspoort", second.wait_from), ("idkaart", third.wait_from)]
    assert [(t.number, t.kind, t.appointment_time) for t in state.waiting] == [
        (appointment.number, "appointment", datetime(2026, 11, 24, 10, 0))
    ]
    assert without.walk_ins == [("paspoort", second.wait_from)]
    assert without_appointment.waiting == []
    assert without_appointment.walk_ins == state.walk_ins
    assert [(c.busy_service, c.elapsed_minutes) for c in state.counters] == [("idkaart", 0.0)]


def test_the_live_prediction_replays_the_municipalitys_own_rules(loket, clock):
    """The replay calls as the counters will: the configured norm, the hard limit at
    twice it, and the bands of Loket's own policy only under that policy."""
    from loket import queue_state
    from loket.models import Municipality

    clock.set(datetime(2026, 11, 24, 9, 0))
    now = clock.now()
    with loket.db.read() as session:
        default = queue_state.live_state(session, 1, now.date(), now)
    assert (default.target_minutes, default.limit_minutes, default.missed_yield) == (
        5,
        10,
        True,
    )
    with loket.db.write() as session:
        muni = session.scalars(select(Municipality)).one()
        muni.wait_norm_minutes = 8
        muni.dispatch_policy = "longest_wait"
    with loket.db.read() as session:
        state = queue_state.live_state(session, 1, now.date(), now)
    assert (state.target_minutes, state.limit_minutes, state.missed_yield) == (8, 16, False)
