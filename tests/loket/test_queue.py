"""The queue engine: lifecycle, illegal transitions, numbering, routing, event log."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from loket.errors import IllegalTransition, NotFound


def _kinds(loket, after: int = 0) -> list[str]:
    return [e["kind"] for e in loket.events_after(after)]


def _last_id(loket) -> int:
    events = loket.events_after(0, limit=100_000)
    return events[-1]["id"] if events else 0


def test_whole_lifecycle_is_logged(loket, clock):
    start = _last_id(loket)
    ticket = loket.issue_ticket("dalfsen", "paspoort")
    assert (ticket.number, ticket.status) == ("A 1", "waiting")
    clock.advance(timedelta(minutes=2))
    called = loket.call_next("dalfsen", 1)
    assert (called.number, called.status, called.counter, called.call_count) == (
        "A 1",
        "called",
        1,
        1,
    )
    assert loket.recall("dalfsen", "A1").call_count == 2
    assert loket.start("dalfsen", "A 1").status == "serving"
    clock.advance(timedelta(minutes=12))
    done = loket.finish("dalfsen", "a 1", "referred")
    assert done.status == "done"
    assert _kinds(loket, start) == [
        "ticket.issued",
        "ticket.called",
        "ticket.recalled",
        "ticket.started",
        "ticket.finished",
    ]
    finished = loket.events_after(start)[-1]
    assert finished["data"]["served_seconds"] == 12 * 60
    called_event = loket.events_after(start)[1]
    assert called_event["data"]["waited_seconds"] == 120
    assert called_event["workstation"] == "test"


@pytest.mark.parametrize(
    ("setup", "action", "words"),
    [
        ([], "start", "A 1 wacht; beginnen kan nu niet."),
        ([], "finish", "A 1 wacht; afronden kan nu niet."),
        ([], "recall", "A 1 wacht; opnieuw oproepen kan nu niet."),
        ([], "no_show", "A 1 wacht; niet gekomen melden kan nu niet."),
        ([], "park", "A 1 wacht; apart zetten kan nu niet."),
        ([], "transfer", "A 1 wacht; doorsturen kan nu niet."),
        (["call"], "finish", "A 1 is opgeroepen; afronden kan nu niet."),
        (["call"], "cancel_ticket", "A 1 is opgeroepen; annuleren kan nu niet."),
        (["call", "start"], "start", "A 1 wordt geholpen; beginnen kan nu niet."),
        (["call", "start"], "recall", "A 1 wordt geholpen; opnieuw oproepen kan nu niet."),
        (["call", "start"], "no_show", "A 1 wordt geholpen; niet gekomen melden kan nu niet."),
        (["call", "start", "finish"], "finish", "A 1 is klaar; afronden kan nu niet."),
        (["call", "start", "finish"], "park", "A 1 is klaar; apart zetten kan nu niet."),
        (["cancel_ticket"], "start", "A 1 is geannuleerd; beginnen kan nu niet."),
        (["cancel_ticket"], "cancel_ticket", "A 1 is geannuleerd; annuleren kan nu niet."),
        (["call", "park"], "start", "A 1 staat even apart; beginnen kan nu niet."),
    ],
)
def test_illegal_transitions_change_nothing(loket, setup, action, words):
    loket.issue_ticket("dalfsen", "paspoort")
    for step in setup:
        if step == "call":
            loket.call_next("dalfsen", 1)
        else:
            getattr(loket, step)("dalfsen", "A1")
    before = loket.snapshot("dalfsen").open_tickets
    last = _last_id(loket)
    with pytest.raises(IllegalTransition) as info:
        if action == "transfer":
            loket.transfer("dalfsen", "A1", service="idkaart")
        else:
            getattr(loket, action)("dalfsen", "A1")
    assert info.value.message == words
    assert loket.snapshot("dalfsen").open_tickets == before
    assert _last_id(loket) == last


def test_numbers_count_per_prefix_and_restart_each_day(loket, clock):
    numbers = [
        loket.issue_ticket("dalfsen", s).number
        for s in ["paspoort", "paspoort", "idkaart", "paspoort"]
    ]
    assert numbers == ["A 1", "A 2", "B 1", "A 3"]
    clock.set(datetime(2026, 11, 25, 9, 0))
    assert loket.issue_ticket("dalfsen", "paspoort").number == "A 1"


def test_service_points_have_their_own_numbers(loket, clock):
    clock.set(datetime(2026, 11, 23, 9, 0))
    loket.issue_ticket("dalfsen", "paspoort")
    loket.issue_ticket("dalfsen", "paspoort")
    assert loket.issue_ticket("nieuwleusen", "paspoort").number == "A 1"


def test_call_next_only_takes_services_the_counter_serves(loket, clock):
    loket.issue_ticket("dalfsen", "paspoort")
    clock.advance(timedelta(minutes=1))
    loket.issue_ticket("dalfsen", "geboorte")
    # Counter 4 (spreekkamer) does births, not passports.
    assert loket.call_next("dalfsen", 4).number == "F 1"
    assert loket.call_next("dalfsen", 1).number == "A 1"
    assert loket.call_next("dalfsen", 2) is None


def test_longest_waiting_is_called_first_and_reason_says_why(loket, clock):
    loket.issue_ticket("dalfsen", "idkaart")
    clock.advance(timedelta(minutes=2))
    loket.issue_ticket("dalfsen", "paspoort")
    clock.advance(timedelta(minutes=1))
    first = loket.call_next("dalfsen", 1)
    assert first.number == "B 1"
    assert first.reason == "B 1: 3 min wachten"


def test_who_can_still_make_the_norm_goes_first_and_reason_says_why(loket, clock):
    # B 1 has waited past the 5-minute norm; A 1 can still make it, so A 1 goes first
    # (issue 11: more visitors within the norm), and B 1 right after.
    loket.issue_ticket("dalfsen", "idkaart")
    clock.advance(timedelta(minutes=6))
    loket.issue_ticket("dalfsen", "paspoort")
    clock.advance(timedelta(minutes=1))
    first = loket.call_next("dalfsen", 1)
    assert first.number == "A 1"
    assert first.reason == (
        "A 1: 1 min wachten, kan nog binnen de norm: gaat voor wie er al boven zit"
    )
    loket.finish("dalfsen", loket.start("dalfsen", first.number).number)
    second = loket.call_next("dalfsen", 1)
    assert second.number == "B 1"
    assert "7 min wachten, boven de norm" in second.reason


def test_a_counter_finishes_its_visitor_before_calling_the_next(loket):
    loket.issue_ticket("dalfsen", "paspoort")
    loket.issue_ticket("dalfsen", "paspoort")
    loket.call_next("dalfsen", 1)
    with pytest.raises(IllegalTransition, match="Balie 1 heeft A 1 nog"):
        loket.call_next("dalfsen", 1)


def test_no_show_only_after_the_configured_calls(loket):
    loket.issue_ticket("dalfsen", "paspoort")
    loket.call_next("dalfsen", 1)
    with pytest.raises(IllegalTransition, match="Roep nog 2 keer op"):
        loket.no_show("dalfsen", "A1")
    loket.recall("dalfsen", "A1")
    loket.recall("dalfsen", "A1")
    assert loket.no_show("dalfsen", "A1").status == "no_show"
    assert loket.call_next("dalfsen", 1) is None


def test_park_and_call_again(loket):
    loket.issue_ticket("dalfsen", "paspoort")
    loket.call_next("dalfsen", 1)
    loket.start("dalfsen", "A1")
    assert loket.park("dalfsen", "A1", "haalt pasfoto").status == "parked"
    # A parked ticket is not called by "next"; the counter calls it on purpose.
    assert loket.call_next("dalfsen", 1) is None
    again = loket.call_ticket("dalfsen", 1, "A1", "returned")
    assert (again.status, again.call_count) == ("called", 2)
    assert again.reason == "Terug na apart zetten"


def test_typed_reasons_and_outcomes_never_reach_the_event_log(loket):
    loket.issue_ticket("dalfsen", "paspoort")
    called = loket.call_ticket("dalfsen", 1, "A1", "mevrouw Jansen vroeg erom")
    assert called.reason == "Andere reden"
    loket.start("dalfsen", "A1")
    with pytest.raises(IllegalTransition, match="Onbekende uitkomst"):
        loket.finish("dalfsen", "A1", "mevrouw Jansen geholpen")
    assert "Jansen" not in str(loket.events_after(0, limit=10_000))


def test_calling_a_specific_ticket_needs_a_reason(loket):
    loket.issue_ticket("dalfsen", "paspoort")
    with pytest.raises(IllegalTransition, match="Geef een reden"):
        loket.call_ticket("dalfsen", 2, "A1", " ")


def test_transfer_keeps_the_number_and_routes_to_the_new_counter(loket):
    loket.issue_ticket("dalfsen", "verhuizing")
    loket.call_next("dalfsen", 1)
    loket.start("dalfsen", "E1")
    moved = loket.transfer(
        "dalfsen", "E1", service="geboorte", counter=4, note="ook geboorte aangeven"
    )
    assert (moved.number, moved.status, moved.service) == ("E 1", "waiting", "geboorte")
    assert loket.call_next("dalfsen", 3) is None  # meant for counter 4
    called = loket.call_next("dalfsen", 4)
    assert called.number == "E 1"
    assert called.transfer_note == "ook geboorte aangeven"


def test_transfer_to_a_counter_not_equipped_is_refused(loket):
    loket.issue_ticket("dalfsen", "paspoort")
    loket.call_next("dalfsen", 1)
    with pytest.raises(IllegalTransition, match="Balie 4 is niet ingericht"):
        loket.transfer("dalfsen", "A1", counter=4)


def test_unknown_numbers_and_places_are_named(loket):
    with pytest.raises(NotFound, match="Nummer A 9 is vandaag niet uitgegeven"):
        loket.start("dalfsen", "A9")
    with pytest.raises(NotFound, match="Vestiging 'zwolle' bestaat niet"):
        loket.issue_ticket("zwolle", "paspoort")
    with pytest.raises(NotFound, match="Balie 9 bestaat niet"):
        loket.call_next("dalfsen", 9)
    with pytest.raises(NotFound, match="geen ticketnummer"):
        loket.start("dalfsen", "12")


def test_nobody_called_says_why(loket, clock):
    assert loket.call_next_or_why("dalfsen", 1) == (None, "Er wacht niemand voor deze balie.")
    a = loket.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 24, 10, 0), name="X")
    clock.set(datetime(2026, 11, 24, 9, 30))
    loket.check_in(a.code, "dalfsen")
    # Checked in half an hour early: not called yet, and the clerk is told when.
    ticket, why = loket.call_next_or_why("dalfsen", 1)
    assert ticket is None
    assert why == "Er is nu niemand aan de beurt. De eerstvolgende afspraak is om 10:00."
