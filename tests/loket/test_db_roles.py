"""Least privilege on a real PostgreSQL server: each PC's login can do its job, no more.

The roles are applied with the real command (``loket db roles --apply``), a login is
made per role with a password from an environment variable, and every check connects
as that login: through the real ``Loket`` services for what the PC must be able to
do, and with plain SQL for what it must not.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from loket import db_roles
from loket.cli import main
from loket.clock import Clock
from loket.db import Database
from loket.events import Actor
from loket.services import Loket
from tests.conftest import DEMO_CONFIG, TUESDAY_9

PASSWORD = secrets.token_urlsafe(18)
LOGINS = {
    "kiosk": "t_kiosk_hal",
    "display": "t_display_hal",
    "counter": "t_counter_1",
    "reception": "t_reception",
    "manager": "t_manager",
}


def test_every_table_is_classified_and_personal_columns_come_from_the_model():
    # A new table must get a line in loket/db_roles.py before kiosks can use it.
    assert db_roles.unclassified_tables() == []
    assert db_roles.personal_columns("appointment") == ("name", "email", "phone", "notes")
    assert db_roles.personal_columns("feedback") == ("comment",)
    assert "name" not in db_roles.public_columns("appointment")


def test_printed_script_hides_the_password_and_needs_no_database(
    capsys, monkeypatch, tmp_path: Path
):
    monkeypatch.setenv("LOKET_LOG_DIR", str(tmp_path))
    monkeypatch.setenv("LOKET_DB_PASSWORD", PASSWORD)
    assert main(["db", "roles", "--create-login", "kiosk=loket_kiosk_hal"]) == 0
    out = capsys.readouterr().out
    assert PASSWORD not in out
    assert "GRANT loket_kiosk TO loket_kiosk_hal;" in out
    assert "GRANT SELECT (id, reference," in out and "ON appointment TO loket_kiosk" in out


@dataclass
class RolesDb:
    server: object
    name: str
    url: str

    def url_as(self, key: str) -> str:
        return self.server.url_for(LOGINS[key], PASSWORD, self.name)  # type: ignore[attr-defined]

    def loket_as(self, key: str, roles: set[str], clock: Clock) -> Loket:
        return Loket(Database(self.url_as(key)), clock, Actor(f"{key}-pc", roles=frozenset(roles)))

    def sql_as(self, key: str) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            self.url_as(key).replace("postgresql+psycopg", "postgresql"), autocommit=True
        )


@pytest.fixture
def roles_db(postgres_server, postgres_template, monkeypatch, tmp_path: Path) -> Iterator[RolesDb]:
    monkeypatch.setenv("LOKET_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("T_DB_PASSWORD", PASSWORD)
    name = f"r_{uuid.uuid4().hex[:12]}"
    postgres_server.create_database(name, template=postgres_template)
    url = postgres_server.superuser_url(name)
    for key, login in LOGINS.items():
        code = main(
            [
                "--database",
                url,
                "db",
                "roles",
                "--apply",
                "--create-login",
                f"{key}={login}",
                "--password-env",
                "T_DB_PASSWORD",
            ]
        )
        assert code == 0
    yield RolesDb(postgres_server, name, url)
    postgres_server.drop_database(name)


def _book(
    url: str, clock: Clock, call_by_name: bool, name: str, hour: int = 10, qr: bool = False
) -> tuple[str, str]:
    """An appointment today, booked by the system (the owner); its short code or QR code."""
    loket = Loket(Database(url), clock, Actor.system("setup"))
    a = loket.book_appointment(
        "dalfsen",
        "idkaart",
        TUESDAY_9.replace(hour=hour),
        name=name,
        email="x@example.org",
        phone="0612345678",
        call_by_name=call_by_name,
    )
    loket.db.dispose()
    assert a.short_code and a.code
    return a.reference, a.code if qr else a.short_code


def _denied(conn: psycopg.Connection[tuple[object, ...]], statement: str) -> bool:
    try:
        conn.execute(statement.encode())
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


@pytest.mark.postgres
def test_apply_twice_is_fine_and_creates_nologin_groups(roles_db: RolesDb):
    assert main(["--database", roles_db.url, "db", "roles", "--apply"]) == 0
    with psycopg.connect(
        roles_db.url.replace("postgresql+psycopg", "postgresql"), autocommit=True
    ) as conn:
        rows: dict[str, bool] = dict(
            conn.execute(
                "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'loket\\_%'"
            ).fetchall()
        )
        members = conn.execute(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 't_kiosk_hal'"
        ).fetchall()
    assert {r: rows[r] for r in db_roles.EVERYONE} == dict.fromkeys(db_roles.EVERYONE, False)
    assert members == [("loket_kiosk",)]


@pytest.mark.postgres
def test_password_must_come_from_the_environment(roles_db: RolesDb, monkeypatch, capsys):
    monkeypatch.delenv("LOKET_DB_PASSWORD", raising=False)
    code = main(
        [
            "--database",
            roles_db.url,
            "db",
            "roles",
            "--apply",
            "--create-login",
            "kiosk=t_kiosk_zonder",
        ]
    )
    assert code == 2
    assert "LOKET_DB_PASSWORD" in capsys.readouterr().err


@pytest.mark.postgres
def test_kiosk_issues_and_checks_in_but_reads_no_personal_or_staff_data(roles_db: RolesDb):
    clock = Clock(TUESDAY_9, frozen=True)
    reference, short = _book(roles_db.url, clock, False, "Kiosk Proef")
    scanned_ref, qr = _book(roles_db.url, clock, False, "Kiosk Scan", hour=9, qr=True)
    kiosk = roles_db.loket_as("kiosk", {"kiosk"}, clock)
    try:
        walk_in = kiosk.issue_ticket("dalfsen", "paspoort")
        assert walk_in.status == "waiting"
        clock.set(TUESDAY_9 + timedelta(minutes=15))
        ticket, message = kiosk.check_in(short, "dalfsen")
        assert ticket.appointment_reference == reference
        assert "ingecheckt" in message
        # The QR code is verified with the signing key the kiosk may read.
        assert kiosk.check_in(qr, "dalfsen")[0].appointment_reference == scanned_ref
        assert kiosk.branch_status("dalfsen").walk_in_now
        assert kiosk.purge_if_due() is None  # no rights on personal data: does nothing
    finally:
        kiosk.db.dispose()
    with roles_db.sql_as("kiosk") as conn:
        assert conn.execute(
            "SELECT status FROM appointment WHERE reference = %s", (reference,)
        ).fetchone() == ("checked_in",)
        # It sees the code keys it verifies with, never the staff-card key.
        purposes = {row[0] for row in conn.execute("SELECT purpose FROM signing_key")}
        assert purposes == {"code"}
        for statement in (
            "SELECT name FROM appointment",
            "SELECT * FROM appointment",
            "SELECT email, phone, notes FROM appointment",
            "SELECT comment FROM feedback",
            "SELECT * FROM staff",
            "SELECT * FROM staff_skill",
            "SELECT * FROM display_name",
            "SELECT smtp FROM municipality",
            "UPDATE service SET name_nl = 'x'",
            "UPDATE branch SET name = 'x'",
            "DELETE FROM opening_period",
            "UPDATE municipality SET max_calls = 9",
            "UPDATE appointment SET name = 'x'",
            "DELETE FROM event",
            "UPDATE event SET kind = 'x'",
            "UPDATE signing_key SET current = false",
            "CREATE TABLE public.x (id int)",
        ):
            assert _denied(conn, statement), statement


@pytest.mark.postgres
def test_kiosk_takes_feedback_without_reading_comments(roles_db: RolesDb):
    clock = Clock(TUESDAY_9, frozen=True)
    kiosk = roles_db.loket_as("kiosk", {"kiosk"}, clock)
    counter = roles_db.loket_as("counter", set(), clock)
    try:
        number = kiosk.issue_ticket("dalfsen", "paspoort").number
        clerk = counter.as_actor(counter.login_pin("anna", "1111").actor("balie-1"))
        clerk.call_next("dalfsen", 1)
        clerk.start("dalfsen", number)
        clerk.finish("dalfsen", number)
        assert kiosk.feedback_ticket("dalfsen", number).number == number
        assert kiosk.give_feedback("dalfsen", number, 8, friendliness=5) > 0
    finally:
        kiosk.db.dispose()
        counter.db.dispose()


@pytest.mark.postgres
def test_display_shows_the_queue_and_only_consenting_names(roles_db: RolesDb):
    clock = Clock(TUESDAY_9, frozen=True)
    _, named = _book(roles_db.url, clock, True, "Wil Metnaam")
    _, anonymous = _book(roles_db.url, clock, False, "Niet Tonen")
    owner = Loket(Database(roles_db.url), clock, Actor.system("setup"))
    clock.set(TUESDAY_9 + timedelta(minutes=30))
    owner.check_in(named, "dalfsen")
    owner.check_in(anonymous, "dalfsen")
    clock.set(TUESDAY_9.replace(hour=10, minute=1))
    owner.call_next("dalfsen", 1)
    owner.call_next("dalfsen", 2)
    owner.db.dispose()

    display = roles_db.loket_as("display", {"display"}, clock)
    try:
        state = display.display_state("dalfsen")
        names = sorted((c.display_name or "-") for c in state.calls)
        assert names == ["-", "Wil Metnaam"]
        assert display.snapshot("dalfsen").recent_calls
        assert display.events_after(0)
        assert display.purge_if_due() is None
    finally:
        display.db.dispose()
    with roles_db.sql_as("display") as conn:
        assert conn.execute("SELECT name FROM display_name").fetchall() == [("Wil Metnaam",)]
        for statement in (
            "SELECT name FROM appointment",
            "SELECT * FROM staff",
            "SELECT * FROM signing_key",
            "SELECT * FROM feedback",
            "INSERT INTO event (at, kind, workstation, data) VALUES (now(), 'x', 'x', '{}')",
            "UPDATE ticket SET status = 'done'",
            "UPDATE service SET icon = 'x'",
        ):
            assert _denied(conn, statement), statement


@pytest.mark.postgres
def test_counter_serves_and_sees_the_visitor_but_changes_no_configuration(roles_db: RolesDb):
    clock = Clock(TUESDAY_9, frozen=True)
    reference, short = _book(roles_db.url, clock, False, "Balie Bezoeker")
    counter = roles_db.loket_as("counter", set(), clock)
    try:
        clerk = counter.as_actor(counter.login_pin("anna", "1111").actor("balie-1"))
        clock.set(TUESDAY_9 + timedelta(minutes=55))
        clerk.check_in(short, "dalfsen")
        clock.set(TUESDAY_9.replace(hour=10))
        ticket = clerk.call_next("dalfsen", 1)
        assert ticket is not None and ticket.appointment_reference == reference
        clerk.start("dalfsen", ticket.number)
        assert clerk.appointment(reference).name == "Balie Bezoeker"
        clerk.transfer("dalfsen", ticket.number, service="paspoort", note="ook paspoort")
        with pytest.raises(Exception, match="instellingen"):
            clerk.apply_config(DEMO_CONFIG)
    finally:
        counter.db.dispose()
    with roles_db.sql_as("counter") as conn:
        assert conn.execute(
            "SELECT name FROM appointment WHERE reference = %s", (reference,)
        ).fetchone() == ("Balie Bezoeker",)
        for statement in (
            "UPDATE service SET name_nl = 'x'",
            "INSERT INTO branch (code, name, "
            "address, wait_area, public_holidays) VALUES ('x','x','','',true)",
            "UPDATE staff SET roles = '[\"admin\"]'",
            "DELETE FROM ticket",
            "DELETE FROM event",
            "UPDATE signing_key SET current = false",
        ):
            assert _denied(conn, statement), statement


@pytest.mark.postgres
def test_reception_books_and_manager_changes_the_configuration(roles_db: RolesDb):
    clock = Clock(TUESDAY_9, frozen=True)
    reception = roles_db.loket_as("reception", {"reception"}, clock)
    try:
        booked = reception.book_appointment(
            "dalfsen",
            "idkaart",
            datetime(2026, 11, 24, 11),
            name="Receptie Klant",
            phone="0600000000",
        )
        assert reception.appointment(booked.reference).name == "Receptie Klant"
        assert reception.issue_ticket("dalfsen", "paspoort").status == "waiting"
    finally:
        reception.db.dispose()
    with roles_db.sql_as("reception") as conn:
        assert _denied(conn, "UPDATE service SET name_nl = 'x'")

    # The team leader's PC applies the configuration (the CLI acts as "system" there).
    manager = Loket(Database(roles_db.url_as("manager")), clock, Actor.system("teamleider"))
    try:
        report = manager.apply_config(DEMO_CONFIG)
        assert report is not None
        assert manager.purge_personal_data().appointments == 0
    finally:
        manager.db.dispose()
    with roles_db.sql_as("manager") as conn:
        conn.execute("UPDATE service SET icon = icon")
        assert conn.execute("SELECT count(*) FROM staff").fetchone() != (0,)
        assert _denied(conn, "CREATE TABLE public.x (id int)")
