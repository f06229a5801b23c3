"""Staff enrolment: `loket staff …` and StaffAdmin, on SQLite and PostgreSQL.

What the administrator checks: the new colleague can log in with the PIN and the card
that were set, a disabled one cannot, and the event log says who changed what without
the PIN or the card number in it.
"""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from loket import security
from loket.cli import main
from loket.clock import Clock
from loket.errors import DomainError, PermissionDenied
from loket.events import Actor
from loket.models import Event
from loket.services import Loket
from loket.staff import LoginFailed
from tests.loket.test_db_roles import RolesDb, roles_db  # noqa: F401 (fixture)

PIN = "4829"
UID = "04A1B2C3D4"


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "COST", security.ScryptCost(n=2**10, r=8, p=1))


def run(url: str, *args: str, stdin: str = "", capsys: pytest.CaptureFixture[str]) -> str:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(["--database", url, *args])
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _events(loket: Loket, prefix: str = "staff.") -> list[Event]:
    with loket.db.read() as s:
        return list(
            s.scalars(select(Event).where(Event.kind.startswith(prefix)).order_by(Event.id))
        )


def test_cli_add_pin_card_disable_and_list(
    database_url: str, loket: Loket, capsys: pytest.CaptureFixture[str]
) -> None:
    run(
        database_url,
        "staff", "add", "j.devries", "--name", "Jan de Vries", "--role", "counter", "--pin",
        stdin=PIN + "\n", capsys=capsys,
    )  # fmt: skip
    assert loket.login_pin("j.devries", PIN).name == "Jan de Vries"

    run(database_url, "staff", "enrol-card", "j.devries", "--uid", "04:a1:b2:c3:d4", capsys=capsys)
    assert loket.login_card(UID).name == "Jan de Vries"

    run(database_url, "staff", "set-pin", "j.devries", stdin="7305\n", capsys=capsys)
    with pytest.raises(LoginFailed):
        loket.login_pin("j.devries", PIN)
    assert loket.login_pin("j.devries", "7305").code == "j.devries"

    listed = json.loads(run(database_url, "staff", "list", "--json", capsys=capsys))
    jan = next(e for e in listed if e["code"] == "j.devries")
    assert jan == {
        "code": "j.devries",
        "name": "Jan de Vries",
        "roles": ["counter"],
        "active": True,
        "has_pin": True,
        "has_card": True,
        "locked": False,
    }

    out = run(database_url, "staff", "disable", "j.devries", capsys=capsys)
    assert "Jan de Vries is uitgeschakeld" in out
    with pytest.raises(LoginFailed):
        loket.login_pin("j.devries", "7305")
    with pytest.raises(LoginFailed):
        loket.login_card(UID)
    text = run(database_url, "staff", "list", capsys=capsys)
    assert "[uitgeschakeld]" in next(line for line in text.splitlines() if "j.devries" in line)

    kinds = [e.kind for e in _events(loket) if e.data.get("staff") == "j.devries"]
    assert kinds[:4] == ["staff.added", "staff.pin_set", "staff.card_enrolled", "staff.pin_set"]
    assert "staff.disabled" in kinds
    # Nothing secret in the permanent log: not the PIN, the UID, or their hashes.
    with loket.db.read() as s:
        from loket.models import Staff

        jan_row = s.scalar(select(Staff).where(Staff.code == "j.devries"))
        assert jan_row is not None
        secrets_ = [PIN, "7305", UID, "04:a1", jan_row.pin_hash, jan_row.card_hash]
    dumped = json.dumps([e.data for e in _events(loket, "")])
    for secret in secrets_:
        assert secret and secret not in dumped


def test_cli_refuses_in_dutch_without_changing_anything(
    database_url: str, loket: Loket, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    sys.stdin = io.StringIO("1234\n")
    try:
        code = main(["--database", database_url, "staff", "set-pin", "anna"])
    finally:
        sys.stdin = sys.__stdin__
    assert code == 2
    assert "te makkelijk" in capsys.readouterr().err

    code = main(["--database", database_url, "staff", "enrol-card", "anna", "--uid", "zz"])
    assert code == 2
    assert "pasnummer" in capsys.readouterr().err

    code = main(["--database", database_url, "staff", "disable", "niemand"])
    assert code == 2
    assert "geen medewerker met inlognaam 'niemand'" in capsys.readouterr().err

    # The PIN is not a command-line argument at all.
    with pytest.raises(SystemExit):
        main(["--database", database_url, "staff", "set-pin", "anna", PIN])
    assert _events(loket) == []


def test_a_card_belongs_to_one_person(loket: Loket) -> None:
    admin = loket.staff_admin
    admin.enrol_card("anna", UID)
    with pytest.raises(DomainError, match="hoort al bij"):
        admin.enrol_card("carla", UID)
    admin.remove_card("anna")
    assert admin.enrol_card("carla", UID).has_card


def test_team_leader_manages_staff_but_makes_nobody_administrator(loket: Loket) -> None:
    manager = loket.as_actor(Actor("manager-pc", staff_id=None, roles=frozenset({"manager"})))
    entry = manager.staff_admin.add("p.bakker", "Piet Bakker", ["reception"], "5186")
    assert entry.roles == ("reception",) and entry.has_pin
    with pytest.raises(PermissionDenied):
        manager.staff_admin.add("m.admin", "Mia", ["admin"])
    with pytest.raises(PermissionDenied):
        manager.staff_admin.change("p.bakker", roles=["counter", "admin"])
    clerk = loket.as_actor(Actor("counter-pc", roles=frozenset({"counter"})))
    with pytest.raises(PermissionDenied):
        clerk.staff_admin.set_pin("p.bakker", "5186")
    with pytest.raises(PermissionDenied):
        clerk.staff_admin.list()


@pytest.mark.postgres
def test_as_the_team_leaders_database_login(roles_db: RolesDb, clock: Clock) -> None:  # noqa: F811
    """Least privilege: the manager login enrols; a counter login then logs in with it."""
    manager = roles_db.loket_as("manager", {"manager"}, clock)
    counter = roles_db.loket_as("counter", {"counter"}, clock)
    try:
        manager.staff_admin.add("p.bakker", "Piet Bakker", ["counter"], "5186")
        manager.staff_admin.enrol_card("p.bakker", UID)
        assert counter.login_pin("p.bakker", "5186").name == "Piet Bakker"
        assert counter.login_card(UID).name == "Piet Bakker"
        manager.staff_admin.disable("p.bakker")
        with pytest.raises(LoginFailed):
            counter.login_pin("p.bakker", "5186")
    finally:
        manager.db.dispose()
        counter.db.dispose()


def test_applying_the_file_again_keeps_the_registers_decisions(
    database_url: str, loket: Loket, capsys: pytest.CaptureFixture[str]
) -> None:
    """A colleague enrolled with `loket staff add` is not in the municipality file, and
    one the team leader switched off is: applying the file again undoes neither."""
    from tests.conftest import DEMO_CONFIG

    run(
        database_url,
        "staff", "add", "j.devries", "--name", "Jan de Vries", "--role", "counter", "--pin",
        stdin=PIN + "\n", capsys=capsys,
    )  # fmt: skip
    run(database_url, "staff", "disable", "anna", capsys=capsys)
    run(database_url, "config", "apply", str(DEMO_CONFIG), capsys=capsys)

    assert loket.login_pin("j.devries", PIN).name == "Jan de Vries"
    with pytest.raises(LoginFailed):
        loket.login_pin("anna", "1111")
    listed = {
        e["code"]: e
        for e in json.loads(run(database_url, "staff", "list", "--json", capsys=capsys))
    }
    assert listed["j.devries"]["active"] and not listed["anna"]["active"]
    assert listed["bram"]["active"]  # the file's own colleagues stay as the file says
