"""Core of the counter workstation and reception: overview, visitor, follow-up,
calendar, closures, alerts and imports (issue [desk])."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from loket.errors import PermissionDenied, Refused
from loket.feed import open_feed
from loket.services import Loket

WEDNESDAY = date(2026, 11, 25)


def clerk(loket: Loket, code: str = "anna", pin: str = "1111") -> Loket:
    return loket.as_actor(loket.login_pin(code, pin).actor(f"pc-{code}"))


def test_overview_and_visitor_show_the_name_notes_and_what_to_bring(loket: Loket):
    booked = loket.book_appointment(
        "dalfsen",
        "paspoort",
        datetime(2026, 11, 24, 9, 20),
        name="J. de Vries",
        notes="Komt met rolstoel",
        call_by_name=True,
        channel="phone",
    )
    loket.issue_ticket("dalfsen", "idkaart")
    loket.clock.set(datetime(2026, 11, 24, 9, 10))
    anna = clerk(loket)
    overview = anna.counter_overview("dalfsen", 1)
    by_service = {q.service: q for q in overview.queues}
    assert by_service["idkaart"].waiting == 1
    assert by_service["idkaart"].longest_wait_minutes == 10
    assert by_service["paspoort"].appointments_due == 1
    assert overview.current is None
    ticket, _ = loket.check_in_reference(booked.reference, "dalfsen")
    loket.clock.set(datetime(2026, 11, 24, 9, 20))
    called = anna.call_next("dalfsen", 1)
    assert called is not None and called.reason
    visitor = anna.visitor("dalfsen", called.number)
    seen = anna.counter_overview("dalfsen", 1).current
    assert seen is not None and seen.ticket.number == called.number
    if called.number == ticket.number:
        assert visitor.name == "J. de Vries" and visitor.call_by_name
        assert visitor.notes == "Komt met rolstoel"
        assert "pasfoto" in visitor.bring


def test_a_receptionist_cannot_read_the_counter_overview(loket: Loket):
    carla = clerk(loket, "carla", "3333")
    with pytest.raises(PermissionDenied, match="receptie"):
        carla.counter_overview("dalfsen", 1)


def test_follow_up_is_booked_by_reference(loket: Loket):
    first = loket.book_appointment(
        "dalfsen", "paspoort", datetime(2026, 11, 24, 10, 0), name="M. Jansen"
    )
    anna = clerk(loket)
    follow = anna.book_follow_up(
        "dalfsen",
        "ophalen",
        datetime(2026, 12, 1, 10, 0),
        name="M. Jansen",
        follow_up_of=first.reference,
    )
    assert follow.status == "booked"
    events = [e for e in loket.events_after(0) if e["kind"] == "appointment.booked"]
    assert events[-1]["data"]["follow_up"] is True


def test_day_plan_counts_free_places_and_reschedule_moves_the_booking(loket: Loket):
    plan = loket.day_plan("dalfsen", "huwelijk", WEDNESDAY)
    assert plan.slots and plan.slots[0].start == datetime(2026, 11, 25, 8, 30)
    first_free = plan.slots[0].free
    a = loket.book_appointment(
        "dalfsen", "huwelijk", datetime(2026, 11, 25, 8, 30), name="E. de Boer", phone="0612345678"
    )
    after = loket.day_plan("dalfsen", "huwelijk", WEDNESDAY)
    assert after.slots[0].free == first_free - 1
    assert [x.name for x in after.appointments] == ["E. de Boer"]
    moved = loket.reschedule_appointment(a.reference, datetime(2026, 11, 25, 13, 0))
    assert moved.reference != a.reference
    assert loket.appointment(a.reference).status == "cancelled"
    details = loket.appointment_details(moved.reference)
    assert details.phone == "0612345678" and details.start.hour == 13
    week = loket.week_plan("dalfsen", "huwelijk", WEDNESDAY)
    assert [d.day.weekday() for d in week] == [0, 1, 2, 3, 4]


def test_reschedule_into_a_closed_hour_keeps_the_old_appointment(loket: Loket):
    a = loket.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 25, 9, 0), name="X")
    with pytest.raises(Refused, match="gesloten"):
        loket.reschedule_appointment(a.reference, datetime(2026, 11, 25, 18, 0))
    assert loket.appointment(a.reference).status == "booked"


def test_closure_lists_appointments_to_phone_and_extra_session_opens_a_day(loket: Loket):
    loket.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 25, 9, 0), name="T. Bos")
    change = loket.close_day("dalfsen", WEDNESDAY, "Verbouwing")
    assert [a.name for a in change.affected] == ["T. Bos"]
    assert loket.day_plan("dalfsen", "paspoort", WEDNESDAY).closed_reason == "Verbouwing"
    with pytest.raises(Refused, match="gesloten"):
        loket.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 25, 10, 0), name="Y")
    # Thursday morning at Lemelerveld (normally closed): an extra session.
    thursday = date(2026, 11, 26)
    extra = loket.add_session(
        "lemelerveld",
        thursday,
        time(9, 0),
        time(12, 0),
        "appointment",
        "Spreekuur in de bibliotheek",
    )
    assert extra.hours == "09:00-12:00"
    booked = loket.book_appointment(
        "lemelerveld", "paspoort", datetime(2026, 11, 26, 9, 30), name="K. Vos"
    )
    assert booked.status == "booked"
    days = {d.day: d for d in loket.special_days("lemelerveld")}
    assert days[thursday].reason == "Spreekuur in de bibliotheek"
    loket.restore_day("dalfsen", WEDNESDAY)
    assert loket.day_plan("dalfsen", "paspoort", WEDNESDAY).closed_reason is None


def test_an_extra_session_may_not_overlap_the_normal_hours(loket: Loket):
    with pytest.raises(Refused, match="al open"):
        loket.add_session("dalfsen", WEDNESDAY, time(12, 0), time(13, 0), "mixed", "")


def test_counter_staff_may_not_close_a_branch(loket: Loket):
    with pytest.raises(PermissionDenied):
        clerk(loket).close_day("dalfsen", WEDNESDAY, "Verbouwing")


def test_alert_and_status_reach_a_feed_without_personal_data(loket: Loket):
    feed = open_feed(loket.db.url)
    try:
        anna = clerk(loket)
        anna.set_counter_status("dalfsen", 2, "break")
        anna.raise_counter_alert("dalfsen", 2)
        records = feed.wait(2.0)
        while not any(r["kind"] == "alert.aggression" for r in records):
            more = feed.wait(2.0)
            assert more, "alert did not reach the feed"
            records += more
        alert = next(r for r in records if r["kind"] == "alert.aggression")
        assert alert["data"] == {"counter": 2, "branch": "dalfsen"}
    finally:
        feed.close()
    states = {s.counter: s for s in loket.counter_states("dalfsen")}
    assert states[2].status == "break" and states[2].alert
    anna.clear_alert("dalfsen", 2)
    assert not {s.counter: s for s in loket.counter_states("dalfsen")}[2].alert


def test_find_appointments_today_by_name_or_reference(loket: Loket):
    a = loket.book_appointment(
        "dalfsen", "paspoort", datetime(2026, 11, 24, 9, 40), name="S. Visser"
    )
    assert [x.reference for x in loket.find_appointments_today("dalfsen", "viss")] == [a.reference]
    assert [x.name for x in loket.find_appointments_today("dalfsen", a.reference)] == ["S. Visser"]
