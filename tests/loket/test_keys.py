"""`loket keys rotate`: new codes use the new key, old codes work until their day has
passed, then the old key is removed. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from loket import codes
from loket.cli import main
from loket.clock import Clock
from loket.errors import PermissionDenied
from loket.events import Actor
from loket.models import Event, SigningKey
from loket.services import Loket
from tests.conftest import TUESDAY_9

WEDNESDAY_9 = TUESDAY_9 + timedelta(days=1)


def _key_id(code: str) -> int:
    return codes._b32decode(code)[0] & 31


def _book(loket: Loket, start_hour: int, day_offset: int = 0) -> str:
    a = loket.book_appointment(
        "dalfsen",
        "idkaart",
        TUESDAY_9.replace(hour=start_hour) + timedelta(days=day_offset),
        name="Test Persoon",
    )
    assert a.code
    return a.code


def test_rotation_keeps_old_codes_until_their_day_has_passed(loket: Loket, clock: Clock) -> None:
    today_code = _book(loket, 10)
    tomorrow_code = _book(loket, 10, day_offset=1)
    old_id = _key_id(today_code)

    report = loket.keys.rotate()
    assert report.new_key_id != old_id
    assert report.retired == ()
    new_code = _book(loket, 11)
    assert _key_id(new_code) == report.new_key_id
    # The old key stays while tomorrow's appointment (booked before) can still come.
    old = next(k for k in report.keys if k.key_id == old_id)
    assert not old.current and old.last_valid_day == WEDNESDAY_9.date()

    # Today: the code from before the rotation still checks in.
    clock.set(TUESDAY_9.replace(hour=9, minute=55))
    ticket, _message = loket.check_in(today_code, "dalfsen")
    assert ticket.number

    # Tomorrow: the old key is still needed (nothing retired), and the old code works.
    clock.set(WEDNESDAY_9.replace(hour=9, minute=55))
    assert loket.keys.retire_expired() == []
    ticket, _message = loket.check_in(tomorrow_code, "dalfsen")
    assert ticket.number

    # The day after: the old key goes; codes from the new key still verify.
    clock.set(WEDNESDAY_9 + timedelta(days=1))
    assert loket.keys.retire_expired() == [old_id]
    with loket.db.read() as s:
        ids = set(s.scalars(select(SigningKey.key_id).where(SigningKey.purpose == "code")))
        logged = [e.data for e in s.scalars(select(Event).where(Event.kind.like("keys.%")))]
        secrets_ = [k.secret.hex() for k in s.scalars(select(SigningKey))]
    assert ids == {report.new_key_id}
    assert {"key_id": old_id} in logged and {"key_id": report.new_key_id} in logged
    assert not any(secret in json.dumps(logged) for secret in secrets_)


def test_the_cli_rotates_and_lists(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    sys.stdin = io.StringIO("")
    try:
        first = main(["--database", database_url, "--now", "2026-11-24T09:00", "keys", "rotate"])
        out = capsys.readouterr().out
        assert first == 0 and "Nieuwe sleutel" in out
        assert main(["--database", database_url, "keys", "list", "--json"]) == 0
    finally:
        sys.stdin = sys.__stdin__
    keys = json.loads(capsys.readouterr().out)
    assert sum(k["current"] for k in keys) == 1 and len(keys) >= 1


def test_only_the_administrator_rotates(loket: Loket) -> None:
    leader = loket.as_actor(Actor("manager-pc", roles=frozenset({"manager"})))
    with pytest.raises(PermissionDenied):
        leader.keys.rotate()
