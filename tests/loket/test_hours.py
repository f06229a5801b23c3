"""Opening-hour rules for walk-in tickets."""

from __future__ import annotations

from datetime import datetime

import pytest

from loket.errors import Refused


@pytest.mark.parametrize(
    ("moment", "code", "words"),
    [
        (datetime(2026, 11, 24, 14, 0), "appointment_only", "alleen mensen met een afspraak"),
        (datetime(2026, 11, 24, 17, 0), "closed", "U kunt zonder afspraak komen op woensdag"),
        (datetime(2026, 11, 28, 10, 0), "closed", "Op zaterdag zijn we gesloten"),
        (datetime(2026, 12, 25, 10, 0), "closed", "Het is een feestdag: Eerste kerstdag"),
        (datetime(2026, 12, 31, 10, 0), "closed", "Oudejaarsdag"),
        (datetime(2026, 11, 27, 13, 30), "closed", "gesloten"),
    ],
)
def test_walk_in_refused_with_a_plain_reason(loket, clock, moment, code, words):
    clock.set(moment)
    with pytest.raises(Refused) as info:
        loket.issue_ticket("dalfsen", "paspoort")
    assert info.value.code == code
    assert words in info.value.message


def test_monday_evening_is_open(loket, clock):
    clock.set(datetime(2026, 11, 23, 19, 30))
    assert loket.issue_ticket("dalfsen", "verhuizing").number == "E 1"


def test_christmas_eve_morning_is_open_by_exception(loket, clock):
    clock.set(datetime(2026, 12, 24, 10, 0))
    assert loket.issue_ticket("dalfsen", "paspoort").status == "waiting"
    clock.set(datetime(2026, 12, 24, 13, 0))
    with pytest.raises(Refused):
        loket.issue_ticket("dalfsen", "paspoort")


def test_service_point_evening_session(loket, clock):
    clock.set(datetime(2026, 11, 24, 18, 15))
    assert loket.issue_ticket("nieuwleusen", "rijbewijs").number == "D 1"


def test_service_not_offered_at_a_service_point(loket, clock):
    clock.set(datetime(2026, 11, 23, 9, 0))
    with pytest.raises(Refused) as info:
        loket.issue_ticket("nieuwleusen", "ophalen")
    assert info.value.code == "not_offered"
    assert "kan niet in Servicepunt Nieuwleusen" in info.value.message


def test_appointment_only_service_refuses_walk_ins(loket):
    with pytest.raises(Refused) as info:
        loket.issue_ticket("dalfsen", "huwelijk")
    assert info.value.code == "appointment_needed"
