"""[plan-live] acceptance: the stored plan runs booking capacity and live waits.

Every test runs on SQLite and on PostgreSQL (the ``loket`` fixture), except the
write-lock test, which is about SQLite's single writer.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from loket import queue_state
from loket.errors import PermissionDenied, Refused
from loket.events import Actor
from loket.models import Staff
from loket.services import Loket
from tests.loket.plan_setup import book_until_full, set_volumes

TUESDAY = date(2026, 11, 24)
WEDNESDAY = date(2026, 11, 25)
RECEPTION = Actor("receptie-1", roles=frozenset({"reception"}))
MANAGER = Actor("teamleider", roles=frozenset({"manager"}))
KIOSK = Actor("kiosk-hal", roles=frozenset({"kiosk"}))
CLERK = Actor("balie-1", roles=frozenset({"counter"}))


def _minutes(text: str) -> int:
    hh, mm = text.split(":")
    return int(hh) * 60 + int(mm)


def test_a_mixed_period_is_booked_only_to_the_plan_and_the_refusal_names_free_times(loket):
    set_volumes(loket)
    plan = loket.planning.plan(TUESDAY)
    assert plan.forecast_source == "config"
    staffed = {i.start: i.staffed for i in plan.branch("dalfsen").intervals}
    accepted, refusal = book_until_full(loket, datetime(2026, 11, 24, 10, 0), 6)
    # Room is left for the forecast walk-ins: never every colleague on duty booked.
    assert accepted < staffed["10:00"]
    assert refusal is not None and refusal.code == "full"
    assert "Om 10:00 is er geen plek meer" in refusal.message
    times = re.findall(r"\d\d:\d\d", refusal.message.split("Wel vrij:")[1])
    assert times, refusal.message
    booked = loket.book_appointment(
        "dalfsen", "paspoort", datetime.combine(TUESDAY, time.fromisoformat(times[0])), name="Z"
    )
    assert f"{booked.start:%H:%M}" == times[0]


def test_an_off_grid_time_is_refused_with_the_nearest_grid_times(loket):
    with pytest.raises(Refused) as refused:
        loket.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 24, 14, 7), name="X")
    assert refused.value.code == "off_grid"
    assert "14:05 of 14:10" in refused.value.message


def test_a_team_leader_overrides_with_a_listed_reason_and_the_log_says_so(loket):
    set_volumes(loket, walk_ins=200)  # so busy that the morning has no room for bookings
    loket.planning.plan(TUESDAY)
    start = datetime(2026, 11, 24, 10, 0)
    with pytest.raises(Refused):
        loket.as_actor(RECEPTION).book_appointment("dalfsen", "paspoort", start, name="A")
    with pytest.raises(PermissionDenied):
        loket.as_actor(RECEPTION).book_appointment(
            "dalfsen", "paspoort", start, name="A", override="urgent"
        )
    with pytest.raises(Refused):
        loket.as_actor(MANAGER).book_appointment(
            "dalfsen", "paspoort", start, name="A", override="typed reason"
        )
    booked = loket.as_actor(MANAGER).book_appointment(
        "dalfsen", "paspoort", start, name="A", override="urgent"
    )
    events = [e for e in loket.events_after(0, 5000) if e["kind"] == "appointment.booked"]
    assert events[-1]["data"]["override"] == "urgent"
    assert events[-1]["data"]["reference"] == booked.reference


def test_the_plan_covers_every_service_point_once_per_person_with_availability_and_absence(
    loket,
):
    set_volumes(loket, walk_ins=12)
    loket.planning.set_travel_time("dalfsen", "lemelerveld", 20)
    loket.planning.set_travel_time("dalfsen", "nieuwleusen", 15)
    # Gijs works Wednesdays from 12:00 only; Bram is on leave that day.
    loket.planning.set_availability("gijs", {2: [(time(12, 0), time(18, 0))]})
    loket.planning.record_absence("bram", WEDNESDAY, WEDNESDAY, "leave")
    plan = loket.planning.plan(WEDNESDAY)
    travel = {("dalfsen", "lemelerveld"): 20, ("dalfsen", "nieuwleusen"): 15}
    blocks: dict[str, list[tuple[int, int, str]]] = {}
    for code in ("dalfsen", "nieuwleusen", "lemelerveld"):
        branch = plan.branch(code)
        assert branch.closed is None
        assert branch.shifts, f"nobody at {code}"
        for s in branch.shifts:
            blocks.setdefault(s.name, []).append((_minutes(s.start), _minutes(s.end), code))
            assert all(c > 0 for _a, _b, c in s.counters), "everyone sits at a counter"
    for name, shifts in blocks.items():
        shifts.sort()
        for (_a0, a1, ab), (b0, _b1, bb) in zip(shifts, shifts[1:], strict=False):
            gap = travel.get((ab, bb), travel.get((bb, ab), 0))
            assert a1 + gap <= b0, f"{name} is in two places"
    for a, _b, _c in blocks.get("Gijs", []):
        assert a >= 12 * 60
    assert "Bram" not in blocks
    assert ("Bram", "verlof") in plan.absent


def test_an_absence_replans_from_the_current_plan_and_the_manager_sees_the_change(loket):
    set_volumes(loket, walk_ins=12)
    first = loket.planning.plan(TUESDAY)
    rostered = {s.staff: s.name for b in first.branches for s in b.shifts}
    code, name = sorted(rostered.items())[0]
    result = loket.as_actor(MANAGER).planning.record_absence(code, TUESDAY, TUESDAY, "sick")
    (second,) = result.replanned
    assert second.version == first.version + 1
    assert second.trigger == "absence"
    assert code not in {s.staff for b in second.branches for s in b.shifts}
    assert any(c.startswith(f"{name}: niet meer ingeroosterd") for c in second.changes)
    assert loket.planning.stored(TUESDAY) == second
    with pytest.raises(PermissionDenied):
        loket.as_actor(CLERK).planning.record_absence(code, TUESDAY, TUESDAY, "sick")


def test_nobody_at_a_counter_for_the_service_says_so_and_when_someone_is_expected(loket):
    set_volumes(loket, walk_ins=12)
    # Everyone who does passports works Tuesday afternoons only.
    for code in ("anna", "bram", "daan", "fenna", "gijs"):
        loket.planning.set_availability(code, {1: [(time(13, 0), time(17, 0))]})
    loket.planning.plan(TUESDAY)
    ticket = loket.issue_ticket("dalfsen", "paspoort")
    assert ticket.predicted_wait_minutes is None
    assert ticket.wait_note == "Nu is er niemand voor deze dienst. Verwacht vanaf 13:00."


def test_a_staffed_counter_gives_a_wait_and_an_idle_unstaffed_one_does_not_change_it(loket):
    anna = Actor("balie-1", staff_id=_staff_id(loket, "anna"), roles=frozenset({"counter"}))
    loket.as_actor(anna).set_counter_status("dalfsen", 1, "available")
    for _ in range(3):
        loket.issue_ticket("dalfsen", "paspoort")
    one = loket.issue_ticket("dalfsen", "paspoort")
    assert one.predicted_wait_minutes is not None and one.predicted_wait_minutes > 0
    assert one.wait_note is None
    # Counter 2 exists and is equipped but nobody sits there: the prediction stays.
    again = loket.issue_ticket("dalfsen", "paspoort")
    assert again.predicted_wait_minutes is not None
    assert again.predicted_wait_minutes >= one.predicted_wait_minutes


def _staff_id(loket: Loket, code: str) -> int:
    with loket.db.read() as session:
        found = session.scalar(select(Staff.id).where(Staff.code == code))
    assert found is not None
    return found


def test_walk_ins_are_let_in_by_reception_never_by_the_kiosk(loket, clock):
    clock.set(datetime(2026, 11, 24, 14, 0))  # Tuesday afternoon: appointments only
    with pytest.raises(Refused) as refused:
        loket.as_actor(RECEPTION).issue_ticket("dalfsen", "paspoort")
    assert refused.value.code == "appointment_only"
    with pytest.raises(PermissionDenied):
        loket.as_actor(KIOSK).issue_ticket("dalfsen", "paspoort", let_in=True)
    with pytest.raises(PermissionDenied):
        loket.as_actor(CLERK).issue_ticket("dalfsen", "paspoort", let_in=True)
    ticket = loket.as_actor(RECEPTION).issue_ticket("dalfsen", "paspoort", let_in=True)
    assert ticket.kind == "walk_in" and ticket.status == "waiting"
    clock.set(datetime(2026, 11, 24, 10, 0))  # a mixed period: an ordinary walk-in
    plain = loket.as_actor(RECEPTION).issue_ticket("dalfsen", "paspoort", let_in=True)
    assert plain.kind == "walk_in"
    # Counted apart: one "ticket.let_in" event, for the afternoon ticket only.
    let_in = [e for e in loket.events_after(0, 5000) if e["kind"] == "ticket.let_in"]
    assert [e["data"]["number"] for e in let_in] == [ticket.number]


@pytest.mark.parametrize("action", ["issue", "check_in_code", "check_in_reference"])
def test_issuing_or_checking_in_does_not_hold_the_sqlite_write_lock_while_predicting(
    sqlite_loket, monkeypatch, action
):
    path = Path(sqlite_loket.db.url.removeprefix("sqlite:///"))
    anna = Actor("balie-1", staff_id=_staff_id(sqlite_loket, "anna"), roles=frozenset({"counter"}))
    sqlite_loket.as_actor(anna).set_counter_status("dalfsen", 1, "available")
    for _ in range(20):
        sqlite_loket.issue_ticket("dalfsen", "paspoort")
    booked = sqlite_loket.book_appointment(
        "dalfsen", "paspoort", datetime(2026, 11, 24, 9, 10), name="Inwoner"
    )
    real = queue_state.live_prediction.predict_wait_live
    second_writer: list[str] = []

    def predict_while_someone_writes(*args, **kwargs):  # type: ignore[no-untyped-def]
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            second_writer.append("wrote")
        except sqlite3.OperationalError as exc:
            second_writer.append(str(exc))
        finally:
            other.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(
        queue_state.live_prediction, "predict_wait_live", predict_while_someone_writes
    )
    kiosk = sqlite_loket.as_actor(KIOSK)
    if action == "issue":
        ticket = kiosk.issue_ticket("dalfsen", "paspoort")
    elif action == "check_in_code":
        ticket, _message = kiosk.check_in(booked.short_code, "dalfsen")
    else:
        ticket, _message = sqlite_loket.as_actor(RECEPTION).check_in_reference(
            booked.reference, "dalfsen"
        )
    # Predicted exactly once, and a second writer got the lock meanwhile.
    assert second_writer == ["wrote"]
    assert ticket.predicted_wait_minutes is not None
