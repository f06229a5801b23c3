"""Rate your visit: engine rules and the kiosk flow (typed number and scanned ticket)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk.printing import ticket_payload
from loket.errors import DomainError, PermissionDenied
from loket.events import Actor
from loket.services import Loket


def served_ticket(loket: Loket) -> str:
    number = loket.issue_ticket("dalfsen", "paspoort").number
    called = loket.call_next("dalfsen", 1)
    assert called is not None and called.number == number
    loket.start("dalfsen", number)
    loket.finish("dalfsen", number)
    return number


def test_feedback_engine_rules(sqlite_loket):
    kiosk = sqlite_loket.as_actor(Actor("kiosk-1", roles=frozenset({"kiosk"})))
    waiting = sqlite_loket.issue_ticket("dalfsen", "idkaart").number
    with pytest.raises(DomainError) as not_yet:
        kiosk.give_feedback("dalfsen", waiting, 8)
    assert not_yet.value.code == "not_served_yet"
    number = served_ticket(sqlite_loket)
    with pytest.raises(DomainError):
        kiosk.give_feedback("dalfsen", number, 11)
    with pytest.raises(DomainError):
        kiosk.give_feedback("dalfsen", number, 8, friendliness=6)
    kiosk.give_feedback("dalfsen", number, 8, 5, 4, None)
    with pytest.raises(DomainError) as twice:
        kiosk.give_feedback("dalfsen", number, 9)
    assert twice.value.code == "feedback_given"
    event = [e for e in sqlite_loket.events_after(0, 100000) if e["kind"] == "feedback.given"][0]
    assert event["data"]["score"] == 8 and event["data"]["expertise"] is None
    with pytest.raises(PermissionDenied):  # only the kiosk collects ratings
        sqlite_loket.as_actor(Actor("pc", roles=frozenset({"counter"}))).give_feedback(
            "dalfsen", number, 3
        )


def test_rate_your_visit_by_typed_number(qtbot, kiosk, sqlite_loket):
    number = served_ticket(sqlite_loket)
    kiosk.start.rate.click()
    assert kiosk.current == "feedback_number"
    for symbol in number.replace(" ", ""):
        qtbot.mouseClick(kiosk.feedback_number.keypad.keys[symbol], Qt.MouseButton.LeftButton)
    assert kiosk.feedback_number.number.text() == number
    kiosk.feedback_number.next.click()
    assert kiosk.current == "feedback_rating"
    kiosk.feedback_rating.send.click()  # no score yet: a hint, not an error
    assert kiosk.current == "feedback_rating" and "cijfer" in kiosk.feedback_rating.problem.text()
    rating = kiosk.feedback_rating
    before = rating.scores.button(9).grab().toImage().pixelColor(8, 30)
    qtbot.mouseClick(rating.scores.button(9), Qt.MouseButton.LeftButton)
    assert rating.problem.text() == ""  # the refusal goes away once a score is chosen
    # The chosen score is filled in the action colour, the others stay plain.
    chosen = rating.scores.button(9).grab().toImage().pixelColor(8, 30)
    other = rating.scores.button(8).grab().toImage().pixelColor(8, 30)
    assert chosen.name() == kiosk.colours["primary"].lower() != other.name() == before.name()
    for aspect, face in (("friendliness", 5), ("speed", 4), ("expertise", 5)):
        qtbot.mouseClick(
            kiosk.feedback_rating.aspects[aspect].button(face), Qt.MouseButton.LeftButton
        )
    kiosk.feedback_rating.send.click()
    assert kiosk.current == "thanks"
    given = [e for e in sqlite_loket.events_after(0, 100000) if e["kind"] == "feedback.given"]
    assert [(e["data"]["score"], e["data"]["speed"]) for e in given] == [(9, 4)]
    # One rating per ticket: scanning the same ticket again is answered kindly.
    kiosk.go("start")
    kiosk.handle_scan(ticket_payload("dalfsen", number))
    assert kiosk.current == "message"
    assert kiosk.message.title.text() == "U heeft al een cijfer gegeven"


def test_scanned_ticket_opens_the_rating(qtbot, kiosk, sqlite_loket):
    number = served_ticket(sqlite_loket)
    kiosk.handle_scan(ticket_payload("dalfsen", number))
    assert kiosk.current == "feedback_rating"
    assert number in kiosk.feedback_rating.about.text()
    kiosk.handle_scan(ticket_payload("nieuwleusen", "A 1"))
    assert kiosk.message.title.text() == "Dit bonnetje is van een andere plek"


def test_the_rating_screen_speaks_the_language_the_ticket_was_taken_in(qtbot, kiosk, sqlite_loket):
    """A visitor who took the number in Polish scans it after the visit: the rating
    screen is in Polish without choosing again."""
    number = served_ticket(sqlite_loket)
    assert sqlite_loket.record_language("dalfsen", number, "pl") is False  # served: too late
    kiosk.go("start")
    kiosk.set_language("pl")
    kiosk.take_number("verhuizing", False)
    polish = kiosk.ticket.number.text()
    kiosk.go("start")  # the next visitor: Dutch again
    assert kiosk.language == "nl"
    sqlite_loket.call_ticket("dalfsen", 1, polish, "other")
    sqlite_loket.start("dalfsen", polish)
    sqlite_loket.finish("dalfsen", polish)
    kiosk.handle_scan(ticket_payload("dalfsen", polish))
    assert kiosk.current == "feedback_rating" and kiosk.language == "pl"
    assert kiosk.feedback_rating.title.text() == "Jak oceniasz wizytę?"
