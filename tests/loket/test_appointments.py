"""Booking and checking in appointments with the QR code or the short code."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from loket import codes
from loket.errors import IllegalTransition, Refused
from loket.events import Actor

TEN = datetime(2026, 11, 24, 10, 0)


def _book(loket, start=TEN, service="paspoort", branch="dalfsen", **kw):
    return loket.book_appointment(branch, service, start, name="J. de Vries", **kw)


def test_book_gives_reference_code_and_short_code(loket):
    a = _book(loket, email="jdv@example.org")
    assert a.status == "booked"
    assert a.code and a.code.isalnum() and a.code == a.code.upper()
    assert a.reference in codes.read_short_code(a.short_code)
    assert loket.appointment(a.reference).code == a.code


def test_check_in_on_time_keeps_the_appointment_priority(loket, clock):
    a = _book(loket)
    clock.set(TEN - timedelta(minutes=20))
    ticket, message = loket.check_in(a.code, "dalfsen")
    assert message == "Welkom, u bent ingecheckt. Uw afspraak is om 10:00."
    assert (ticket.kind, ticket.appointment_reference) == ("appointment", a.reference)
    assert ticket.wait_from == TEN  # early: the wait counts from the appointment time


def test_short_code_typed_in_lowercase_with_spaces_checks_in(loket, clock):
    a = _book(loket)
    clock.set(TEN)
    typed = a.short_code.replace("-", " ").lower()
    ticket, _ = loket.check_in(typed, "dalfsen")
    assert ticket.status == "waiting"


def test_late_within_window_keeps_priority_later_becomes_walk_in(loket, clock):
    first = _book(loket)
    second = _book(loket, start=TEN + timedelta(minutes=30))
    clock.set(TEN + timedelta(minutes=9))
    ticket, _ = loket.check_in(first.code, "dalfsen")
    assert ticket.kind == "appointment"
    clock.set(TEN + timedelta(minutes=30 + 11))
    ticket, message = loket.check_in(second.code, "dalfsen")
    assert ticket.kind == "walk_in"
    assert "te laat" in message


def test_too_early_says_from_when(loket, clock):
    a = _book(loket)
    clock.set(TEN - timedelta(minutes=90))
    with pytest.raises(Refused, match="U kunt inchecken vanaf 09:00"):
        loket.check_in(a.code, "dalfsen")


def test_each_refusal_has_its_own_message(loket, clock):
    a = _book(loket)
    clock.set(TEN)
    loket.check_in(a.code, "dalfsen")
    with pytest.raises(codes.CodeAlreadyUsed):
        loket.check_in(a.code, "dalfsen")

    b = _book(loket, start=TEN + timedelta(hours=1))
    with pytest.raises(codes.CodeWrongBranch) as wrong:
        loket.check_in(b.code, "nieuwleusen")
    assert "Gemeentehuis Dalfsen" in wrong.value.message

    tomorrow = _book(loket, start=datetime(2026, 11, 25, 10, 0))
    with pytest.raises(codes.CodeWrongDay) as day:
        loket.check_in(tomorrow.code, "dalfsen")
    assert "woensdag 25 november" in day.value.message

    cancelled = _book(loket, start=TEN + timedelta(minutes=30))
    loket.cancel_appointment(cancelled.reference)
    with pytest.raises(Refused, match="geannuleerd"):
        loket.check_in(cancelled.code, "dalfsen")

    forged = a.code[:-1] + ("A" if a.code[-1] != "A" else "B")
    with pytest.raises(codes.CodeInvalid):
        loket.check_in(forged, "dalfsen")
    with pytest.raises(codes.CodeUnreadable):
        loket.check_in(a.code[:10], "dalfsen")


def test_yesterdays_code_is_expired(loket, clock):
    a = _book(loket)
    clock.set(datetime(2026, 11, 25, 10, 0))
    with pytest.raises(codes.CodeExpired):
        loket.check_in(a.code, "dalfsen")


def test_booking_rules(loket):
    with pytest.raises(Refused, match="past niet meer voor 16:30"):
        _book(loket, start=datetime(2026, 11, 24, 16, 20))
    with pytest.raises(Refused, match="gesloten"):
        _book(loket, start=datetime(2026, 11, 24, 12, 45))
    with pytest.raises(Refused, match="al voorbij"):
        _book(loket, start=datetime(2026, 11, 24, 8, 45))
    with pytest.raises(Refused, match="geen afspraak"):
        _book(loket, service="ophalen", branch="nieuwleusen", start=datetime(2026, 11, 25, 9, 0))
    with pytest.raises(Refused, match="naam"):
        loket.book_appointment("dalfsen", "paspoort", TEN, name="  ")


def test_appointment_only_afternoon_takes_bookings_until_counters_are_full(loket):
    slot = datetime(2026, 11, 24, 14, 0)
    booked = [_book(loket, start=slot, service="huwelijk")]
    # Only counter 4 does marriage notices: a second one at 14:00 does not fit.
    with pytest.raises(Refused, match="geen plek meer"):
        _book(loket, start=slot + timedelta(minutes=15), service="huwelijk")
    assert booked[0].status == "booked"
    _book(loket, start=slot + timedelta(minutes=30), service="huwelijk")


def test_cancel_twice_is_refused(loket):
    a = _book(loket)
    loket.cancel_appointment(a.reference)
    with pytest.raises(IllegalTransition):
        loket.cancel_appointment(a.reference)


def test_missed_appointments_become_no_shows(loket, clock):
    a = _book(loket)
    clock.set(TEN + timedelta(minutes=11))
    assert loket.expire_missed_appointments() == 1
    assert loket.appointment(a.reference).status == "no_show"
    with pytest.raises(Refused, match="voorbij"):
        loket.check_in(a.code, "dalfsen")


def test_appointment_events_hold_no_personal_data(loket, clock):
    a = _book(loket, email="jdv@example.org", phone="0612345678", notes="komt met rolstoel")
    clock.set(TEN)
    loket.check_in(a.code, "dalfsen")
    text = str(loket.events_after(0, limit=10_000))
    for secret in ("Vries", "jdv@example.org", "0612345678", "rolstoel"):
        assert secret not in text


def test_repeated_bad_codes_from_one_kiosk_are_slowed_down(loket, clock):
    kiosk = loket.as_actor(Actor("kiosk-hal", roles=frozenset({"kiosk"})))
    a = _book(loket)
    clock.set(TEN)
    for _ in range(5):
        with pytest.raises(codes.CodeError):
            kiosk.check_in("AAAAAAAAAAAAAAAAAAAAAAAA", "dalfsen")
    with pytest.raises(codes.CodeTooManyAttempts):
        kiosk.check_in(a.code, "dalfsen")
    # Another kiosk (or reception) is not held up by this one.
    other = loket.as_actor(Actor("kiosk-2", roles=frozenset({"kiosk"})))
    assert other.check_in(a.code, "dalfsen")[0].status == "waiting"


def test_a_typo_in_a_short_code_says_check_and_type_again(loket):
    a = _book(loket)
    typo = a.short_code[:-1] + ("2" if a.short_code[-1] != "2" else "3")
    with pytest.raises(codes.ShortCodeTypo) as info:
        loket.check_in(typo, "dalfsen")
    assert "typ de code nog een keer" in info.value.message
