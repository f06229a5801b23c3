"""Staff login with PIN or card, lockout, and roles checked in the services layer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from loket.errors import PermissionDenied
from loket.events import Actor
from loket.models import Staff
from loket.staff import LoginFailed
from tests.conftest import DEMO_CONFIG


def test_pin_login_names_the_staff_member_in_every_event(loket):
    anna = loket.login_pin("anna", "1111")
    assert (anna.code, anna.roles) == ("anna", ("counter",))
    clerk = loket.as_actor(anna.actor("balie-pc-1"))
    clerk.issue_ticket("dalfsen", "paspoort")
    clerk.call_next("dalfsen", 1)
    called = loket.events_after(0, limit=10_000)[-1]
    assert (called["kind"], called["staff_id"], called["workstation"]) == (
        "ticket.called",
        anna.id,
        "balie-pc-1",
    )


def test_wrong_pin_and_unknown_name_get_the_same_answer(loket):
    with pytest.raises(LoginFailed) as wrong:
        loket.login_pin("anna", "9999")
    with pytest.raises(LoginFailed) as unknown:
        loket.login_pin("niemand", "1111")
    assert wrong.value.message == unknown.value.message == "Naam of pincode klopt niet."


def test_lockout_after_five_wrong_pins_then_unlocks(loket, clock):
    for _ in range(4):
        with pytest.raises(LoginFailed):
            loket.login_pin("bram", "0000")
    with pytest.raises(LoginFailed, match="Probeer het over 5 minuten"):
        loket.login_pin("bram", "0000")
    with pytest.raises(PermissionDenied, match="Te vaak"):
        loket.login_pin("bram", "2222")  # even the right PIN waits
    clock.advance(timedelta(minutes=5, seconds=1))
    assert loket.login_pin("bram", "2222").code == "bram"


def test_card_login_and_the_uid_is_never_stored_in_clear(loket):
    anna = loket.login_card("04a1b2c3d4e5f6")
    assert anna.code == "anna"
    with pytest.raises(LoginFailed, match="niet bekend"):
        loket.login_card("0102030405")
    with loket.db.read() as session:
        stored = [s.card_hash for s in session.scalars(select(Staff)) if s.card_hash]
        pins = [s.pin_hash for s in session.scalars(select(Staff)) if s.pin_hash]
    assert stored and all("04A1B2C3D4E5F6" not in h.upper() for h in stored)
    assert pins and all("1111" not in h for h in pins)


@pytest.mark.parametrize(
    ("code", "pin", "action"),
    [
        ("carla", "3333", lambda s: s.call_next("dalfsen", 1)),  # reception cannot serve
        ("anna", "1111", lambda s: s.apply_config(DEMO_CONFIG)),
        ("anna", "1111", lambda s: s.expire_missed_appointments()),
    ],
)
def test_roles_are_checked_in_the_services(loket, code, pin, action):
    member = loket.login_pin(code, pin)
    with pytest.raises(PermissionDenied, match="Met uw rol"):
        action(loket.as_actor(member.actor("pc")))


def test_a_kiosk_may_issue_and_check_in_but_not_call(loket):
    kiosk = loket.as_actor(Actor("kiosk-hal", roles=frozenset({"kiosk"})))
    ticket = kiosk.issue_ticket("dalfsen", "paspoort")
    with pytest.raises(PermissionDenied, match=r"\(kiosk\) mag u niet bezoekers helpen"):
        kiosk.call_next("dalfsen", 1)
    with pytest.raises(PermissionDenied):
        kiosk.start("dalfsen", ticket.number)
    with pytest.raises(PermissionDenied):
        kiosk.book_appointment("dalfsen", "paspoort", loket.now() + timedelta(hours=1), name="X")
