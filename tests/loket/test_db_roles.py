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
from loket.errors import Refused
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
            # Speeds come per counter from loket_counter_speeds (migration 0010).
            "SELECT * FROM staff_skill",
            "SELECT staff_id, name FROM staff_skill JOIN staff ON staff.id = staff_id",
            "SELECT * FROM display_name",
            "SELECT smtp FROM municipality",
            "UPDATE service SET prefix = 'x'",
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
def test_a_clerk_on_the_counter_login_is_told_nobody_waits(roles_db: RolesDb):
    """The counter's login runs the one-statement call, also when it calls nobody (the
    statement then reads what could be called and the next appointment's time)."""
    clock = Clock(TUESDAY_9, frozen=True)
    counter = roles_db.loket_as("counter", set(), clock)
    try:
        clerk = counter.as_actor(counter.login_pin("anna", "1111").actor("balie-1"))
        assert clerk.call_next_or_why("dalfsen", 1) == (None, "Er wacht niemand voor deze balie.")
    finally:
        counter.db.dispose()


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
            "UPDATE service SET prefix = 'x'",
            "INSERT INTO branch (code, name, "
            "address, wait_area_text, public_holidays) VALUES ('x','x','','{}',true)",
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
        assert _denied(conn, "UPDATE service SET prefix = 'x'")

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


# -- issue 13, items 1-4: every attack of the report, as each public-hall login ---------


def _refused_by_function(conn: psycopg.Connection[tuple[object, ...]], statement: str) -> bool:
    """A call of a kiosk function that the function itself refuses (SQLSTATE LK...)."""
    try:
        conn.execute(statement.encode())
    except psycopg.Error as exc:
        return (exc.sqlstate or "").startswith("LK")
    return False


def _served_ticket(roles_db: RolesDb, clock: Clock, note: str) -> str:
    """A walk-in called, served and transferred with a note by a clerk, then finished."""
    owner = Loket(Database(roles_db.url), clock, Actor.system("setup"))
    try:
        number = owner.issue_ticket("dalfsen", "paspoort").number
        owner.call_next("dalfsen", 1)
        owner.start("dalfsen", number)
        owner.transfer("dalfsen", number, counter=1, note=note)
        owner.call_ticket("dalfsen", 1, number, "colleague")
        owner.start("dalfsen", number)
        owner.finish("dalfsen", number)
    finally:
        owner.db.dispose()
    return number


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["kiosk", "display"])
def test_public_pcs_cannot_read_notes_forge_events_jam_numbers_or_change_visits(
    roles_db: RolesDb, role: str
):
    clock = Clock(TUESDAY_9, frozen=True)
    _served_ticket(roles_db, clock, "BSN 123456789 mevrouw De Vries")
    reference, _ = _book(roles_db.url, clock, False, "Niet Annuleren")
    with roles_db.sql_as(role) as conn:
        # They still read what they show.
        assert conn.execute(
            "SELECT number_of FROM (SELECT prefix || sequence AS number_of FROM ticket) t"
        ).fetchone() == ("A1",)
        for statement in (
            # 1. staff notes
            "SELECT transfer_note FROM ticket",
            "SELECT * FROM ticket",
            # 2. a purge event that would switch the purge off
            "INSERT INTO event (at, kind, workstation, data) "
            "VALUES ('2099-01-01', 'privacy.purged', 'x', '{}')",
            # 3. jamming the numbers
            "UPDATE number_sequence SET last = 0 WHERE prefix = 'A'",
            "DELETE FROM number_sequence",
            "INSERT INTO number_sequence (branch_id, day, prefix, last) "
            "VALUES (1, '2026-11-24', 'Z', 0)",
            # 4. tickets with any status, counter or note; any event; appointments;
            # feedback for anyone
            "INSERT INTO ticket (branch_id, service_id, day, prefix, sequence, kind, status, "
            "issued_at, wait_from, call_count, needs_assistance, printed, counter_id, "
            "transfer_note) VALUES (1, 1, '2026-11-24', 'A', 99, 'walk_in', 'called', "
            "now(), now(), 1, false, false, 1, 'x')",
            "UPDATE ticket SET status = 'waiting'",
            "UPDATE ticket SET predicted_wait_seconds = 0",
            "INSERT INTO event (at, kind, workstation, data) "
            "VALUES (now(), 'ticket.called', 'x', '{\"number\": \"A 1\", \"counter\": 1}')",
            "UPDATE appointment SET status = 'cancelled'",
            f"UPDATE appointment SET status = 'cancelled' WHERE reference = '{reference}'",
            "INSERT INTO feedback (branch_id, at, score) VALUES (1, now(), 1)",
            "UPDATE feedback SET score = 1",
            # The helpers behind the functions are not for any PC.
            "SELECT loket_event(now()::timestamp, 'privacy.purged', NULL, NULL, NULL, NULL, "
            "'x', '{}'::jsonb)",
            "SELECT loket_next_number(1, '2026-11-24', 'A')",
            "SELECT loket_new_ticket(1, 1, 'walk_in', now()::timestamp, now()::timestamp, "
            "false, NULL, NULL, NULL, 'x', '{}'::jsonb)",
        ):
            assert _denied(conn, statement), statement
        if role == "display":
            for statement in (
                "SELECT loket_issue_walk_in(1, 1, now()::timestamp, false, NULL, NULL, 'x')",
                "SELECT loket_give_feedback(1, now()::timestamp, 1, NULL, NULL, NULL, 'x')",
                "SELECT loket_pin_salt('eva')",
            ):
                assert _denied(conn, statement), statement
    with roles_db.sql_as("kiosk") as owner_check:
        assert owner_check.execute(
            "SELECT status FROM appointment WHERE reference = %s", (reference,)
        ).fetchone() == ("booked",)


@pytest.mark.postgres
def test_the_kiosk_functions_refuse_what_a_kiosk_would_not_do(roles_db: RolesDb):
    clock = Clock(TUESDAY_9, frozen=True)
    number = _served_ticket(roles_db, clock, "notitie")
    tomorrow_ref, _ = _book(roles_db.url, clock, False, "Morgen Klant", hour=10)
    with roles_db.sql_as("kiosk") as conn:
        ticket_id = conn.execute(
            "SELECT id FROM ticket WHERE prefix || ' ' || sequence = %s", (number,)
        ).fetchone()
        assert ticket_id is not None
        waiting = conn.execute(
            "SELECT loket_issue_walk_in(1, (SELECT id FROM service WHERE code = 'paspoort'), "
            "'2026-11-24 09:05', false, NULL, 7, 'kiosk-hal')"
        ).fetchone()
        assert waiting is not None
        appointment_id = conn.execute(
            "SELECT id FROM appointment WHERE reference = %s", (tomorrow_ref,)
        ).fetchone()
        assert appointment_id is not None
        for statement in (
            # A rating for a ticket that was never called, a second rating, out of range.
            f"SELECT loket_give_feedback({waiting[0]}, '2026-11-24 09:10', 8, NULL, NULL, "
            "NULL, 'k')",
            f"SELECT loket_give_feedback({ticket_id[0]}, '2026-11-24 09:10', 11, NULL, NULL, "
            "NULL, 'k')",
            f"SELECT loket_give_feedback({ticket_id[0]}, '2026-11-25 09:10', 8, NULL, NULL, "
            "NULL, 'k')",
            # A check-in far too early or on another day.
            f"SELECT loket_check_in({appointment_id[0]}, NULL, '2026-11-24 07:00', NULL, NULL, "
            "'k')",
            f"SELECT loket_check_in({appointment_id[0]}, NULL, '2026-11-23 09:30', NULL, NULL, "
            "'k')",
            # A walk-in for a service that needs an appointment here, or does not exist.
            "SELECT loket_issue_walk_in(1, (SELECT id FROM service WHERE code = 'huwelijk'), "
            "'2026-11-24 09:05', false, NULL, NULL, 'k')",
            "SELECT loket_issue_walk_in(1, 999999, '2026-11-24 09:05', false, NULL, NULL, 'k')",
            # Alerts: only device kinds, only short facts.
            "SELECT loket_raise_alert('ticket.called', 1, now()::timestamp, 'k', '{}')",
            "SELECT loket_raise_alert('printer', 1, now()::timestamp, 'k', '{\"Name\": \"x\"}')",
            "SELECT loket_raise_alert('printer', 1, now()::timestamp, 'k', "
            '\'{"note": {"a": 1}}\')',
        ):
            assert _refused_by_function(conn, statement), statement
        assert conn.execute(
            f"SELECT loket_give_feedback({ticket_id[0]}, '2026-11-24 09:10', 8, 5, NULL, NULL, 'k')"
        ).fetchone()
        assert _refused_by_function(
            conn,
            f"SELECT loket_give_feedback({ticket_id[0]}, '2026-11-24 09:11', 8, 5, NULL, NULL,"
            " 'k')",
        )
        # The staff id a kiosk passes is not believed: the event names no clerk.
        assert conn.execute(
            "SELECT staff_id, kind, data::jsonb ->> 'status' FROM event WHERE ticket_id = %s "
            "AND kind = 'ticket.issued'",
            (waiting[0],),
        ).fetchone() == (None, "ticket.issued", "waiting")


@pytest.mark.postgres
def test_numbering_repairs_itself_after_the_sequence_is_set_back(roles_db: RolesDb):
    clock = Clock(TUESDAY_9, frozen=True)
    kiosk = roles_db.loket_as("kiosk", {"kiosk"}, clock)
    try:
        assert [kiosk.issue_ticket("dalfsen", "paspoort").number for _ in range(3)] == [
            "A 1",
            "A 2",
            "A 3",
        ]
        with psycopg.connect(
            roles_db.url.replace("postgresql+psycopg", "postgresql"), autocommit=True
        ) as owner:  # what the kiosk once could do; now only the owner can
            owner.execute("UPDATE number_sequence SET last = 0 WHERE prefix = 'A'")
        assert kiosk.issue_ticket("dalfsen", "paspoort").number == "A 4"
        assert kiosk.issue_ticket("dalfsen", "paspoort").number == "A 5"
    finally:
        kiosk.db.dispose()


@pytest.mark.postgres
def test_a_team_leader_unlocks_the_kiosk_without_the_kiosk_reading_staff(roles_db: RolesDb):
    clock = Clock(TUESDAY_9, frozen=True)
    from loket.security import card_fingerprint

    with psycopg.connect(
        roles_db.url.replace("postgresql+psycopg", "postgresql"), autocommit=True
    ) as owner:
        key = owner.execute(
            "SELECT secret FROM signing_key WHERE purpose = 'card' AND key_id = 1"
        ).fetchone()
        assert key is not None
        owner.execute(
            "UPDATE staff SET card_hash = %s WHERE code = 'eva'",
            (card_fingerprint("04EEEEEEEE", bytes(key[0])),),
        )
    kiosk = roles_db.loket_as("kiosk", {"kiosk"}, clock).as_actor(
        Actor("kiosk-hal", roles=frozenset({"kiosk"}))
    )
    try:
        leader = kiosk.login_pin("eva", "5555")
        assert (leader.code, set(leader.roles)) == ("eva", {"manager", "admin"})
        assert kiosk.login_card("04:EE:EE:EE:EE").code == "eva"
        # A clerk's right PIN or card does not unlock a kiosk; nor does a wrong PIN.
        with pytest.raises(Exception, match="teamleider"):
            kiosk.login_pin("anna", "1111")
        with pytest.raises(Exception, match="teamleider"):
            kiosk.login_card("04A1B2C3D4E5F6")
        for _ in range(4):
            with pytest.raises(Exception, match="klopt niet"):
                kiosk.login_pin("eva", "0000")
        with pytest.raises(Exception, match="Te vaak"):
            kiosk.login_pin("eva", "0001")
        with pytest.raises(Exception, match="Te vaak"):
            kiosk.login_pin("eva", "5555")  # locked, even with the right PIN
        clock.set(TUESDAY_9 + timedelta(minutes=6))
        assert kiosk.login_pin("eva", "5555").code == "eva"
    finally:
        kiosk.db.dispose()
    with roles_db.sql_as("kiosk") as conn:
        assert _denied(conn, "SELECT pin_hash FROM staff")
        assert _denied(conn, "SELECT secret FROM signing_key WHERE purpose = 'card'") or (
            conn.execute("SELECT count(*) FROM signing_key WHERE purpose = 'card'").fetchone()
            == (0,)
        )
        assert _denied(conn, "UPDATE staff SET failed_logins = 0")
        kinds = [
            row[0]
            for row in conn.execute(
                "SELECT kind FROM event WHERE kind LIKE 'staff.%' ORDER BY id"
            ).fetchall()
        ]
    assert kinds.count("staff.login") == 3 and "staff.locked" in kinds


@pytest.mark.postgres
def test_code_guessing_is_throttled_across_restarts_and_alerts_staff(roles_db: RolesDb):
    from loket import codes

    clock = Clock(TUESDAY_9, frozen=True)
    _book(roles_db.url, clock, False, "Echte Afspraak")  # the code key exists
    actor = Actor("kiosk-hal", roles=frozenset({"kiosk"}))
    for attempt in range(5):  # a new process (a restart) for every attempt
        kiosk = roles_db.loket_as("kiosk", {"kiosk"}, clock).as_actor(actor)
        try:
            with pytest.raises(codes.CodeError):
                kiosk.check_in(f"2345678{attempt}X", "dalfsen")
        finally:
            kiosk.db.dispose()
        clock.set(clock.now() + timedelta(seconds=1))
    kiosk = roles_db.loket_as("kiosk", {"kiosk"}, clock).as_actor(actor)
    try:
        with pytest.raises(codes.CodeTooManyAttempts):
            kiosk.check_in("23456789X", "dalfsen")
        assert not [e for e in kiosk.events_after(0) if e["kind"] == "alert.code_guessing"]
        clock.set(clock.now() + timedelta(seconds=3))
        with pytest.raises(codes.CodeError):  # allowed again, and wrong again: staff alerted
            kiosk.check_in("23456789X", "dalfsen")
        alerts = [e for e in kiosk.events_after(0) if e["kind"] == "alert.code_guessing"]
        assert len(alerts) == 1 and alerts[0]["data"]["scope"] == "kiosk"
    finally:
        kiosk.db.dispose()


@pytest.mark.postgres
def test_the_kiosk_predicts_at_the_speed_of_whoever_sits_at_the_counter(roles_db: RolesDb):
    """The kiosk may not read staff_skill; loket_counter_speeds gives it per staffed
    counter the services and speeds (no names, no staff ids), so its prediction is the
    staff PC's, and a faster colleague at the counter shortens it."""
    from sqlalchemy import select, text

    from loket import queue_state
    from loket.models import Branch, Staff

    clock = Clock(TUESDAY_9, frozen=True)
    owner = Loket(Database(roles_db.url), clock, Actor.system("setup"))
    kiosk = roles_db.loket_as("kiosk", {"kiosk"}, clock)
    counter = roles_db.loket_as("counter", {"counter"}, clock)
    try:
        with owner.db.read() as session:
            anna = session.scalar(select(Staff.id).where(Staff.code == "anna"))
            branch = session.scalar(select(Branch.id).where(Branch.code == "dalfsen"))
        assert anna is not None and branch is not None
        clerk = Actor("balie-1", staff_id=anna, roles=frozenset({"counter"}))
        owner.as_actor(clerk).set_counter_status("dalfsen", 1, "available")
        for _ in range(6):
            owner.issue_ticket("dalfsen", "paspoort")

        def predicted(loket: Loket) -> int | None:
            with loket.db.read() as session:
                return queue_state.predict_live(session, branch, "paspoort", clock.now()).seconds

        def anna_speed(speed: float) -> None:
            with owner.db.write() as session:
                session.execute(
                    text("UPDATE staff_skill SET speed = :speed WHERE staff_id = :anna"),
                    {"speed": speed, "anna": anna},
                )

        at_speed_one = predicted(kiosk)
        anna_speed(2.0)
        fast = predicted(kiosk)
        assert at_speed_one is not None and fast is not None
        assert fast < at_speed_one * 0.75  # twice as fast: clearly shorter
        assert fast == predicted(counter)  # the same figure as a staff PC's
        with roles_db.sql_as("kiosk") as conn:
            rows = conn.execute(
                "SELECT * FROM loket_counter_speeds(%s, %s)", (branch, TUESDAY_9.date())
            )
            columns = [c.name for c in rows.description or ()]
            assert columns == ["counter_id", "service_code", "speed"]
            assert ("paspoort", 2.0) in {(r[1], r[2]) for r in rows.fetchall()}
        with roles_db.sql_as("display") as conn:
            assert _denied(conn, "SELECT * FROM loket_counter_speeds(1, '2026-11-24')")
    finally:
        for loket in (owner, kiosk, counter):
            loket.db.dispose()


def test_kiosk_refusals_name_the_service_for_the_next_step(roles_db: RolesDb):
    """The kiosk offers "Nummer nemen" for the appointment's service: the kiosk role can
    read which service it is (too early; a QR of a past day), nothing personal."""
    from loket import codes

    clock = Clock(TUESDAY_9, frozen=True)
    _reference, qr = _book(roles_db.url, clock, False, "Gisteren", hour=11, qr=True)
    _reference, early = _book(roles_db.url, clock, False, "Te Vroeg", hour=12)
    kiosk = roles_db.loket_as("kiosk", {"kiosk"}, clock)
    try:
        with pytest.raises(Refused) as too_early:
            kiosk.check_in(early, "dalfsen")
        assert (too_early.value.code, too_early.value.service) == ("too_early", "idkaart")
        clock.set(TUESDAY_9 + timedelta(days=1))  # the QR is of yesterday now
        with pytest.raises(codes.CodeExpired) as expired:
            kiosk.check_in(qr, "dalfsen")
        assert expired.value.service == "idkaart"
    finally:
        kiosk.db.dispose()


@pytest.mark.postgres
def test_reception_lets_an_early_visitor_in_and_the_kiosk_cannot(roles_db: RolesDb):
    clock = Clock(TUESDAY_9, frozen=True)
    reference, _short = _book(roles_db.url, clock, False, "Te Vroeg", hour=12)
    kiosk = roles_db.loket_as("kiosk", {"kiosk"}, clock)
    reception = roles_db.loket_as("reception", {"reception"}, clock)
    try:
        with pytest.raises(Refused):
            reception.check_in_reference(reference, "dalfsen")  # the rule holds by default
        ticket, _message = reception.check_in_reference(reference, "dalfsen", early_ok=True)
        assert ticket.appointment_reference == reference and ticket.status == "waiting"
        kinds = [e["kind"] for e in reception.events_after(0, 100000)]
        assert kinds.count("appointment.let_in_early") == 1
    finally:
        kiosk.db.dispose()
        reception.db.dispose()
    # The function itself is for reception and team leaders only.
    with roles_db.sql_as("kiosk") as conn:
        assert _denied(conn, "SELECT loket_let_in_early(1, 1, now()::timestamp, 0, NULL, 'x')")
