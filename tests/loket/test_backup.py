"""`loket backup` / `loket restore`: tickets, appointments, signing keys and (PostgreSQL)
the role restrictions survive a round trip."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from loket.backup import backup, restore
from loket.cli import main
from loket.clock import Clock
from loket.db import Database
from loket.events import Actor
from loket.services import Loket
from tests.conftest import TUESDAY_9
from tests.loket.test_db_roles import LOGINS, PASSWORD, RolesDb, roles_db  # noqa: F401


def _fill(loket: Loket) -> tuple[str, str]:
    ticket = loket.issue_ticket("dalfsen", "paspoort")
    a = loket.book_appointment(
        "dalfsen",
        "idkaart",
        TUESDAY_9.replace(hour=10),
        name="Fatima Yilmaz",
        email="f@example.org",
    )
    assert a.code
    return ticket.number, a.code


def test_sqlite_round_trip_while_the_database_stays_open(
    sqlite_loket: Loket, clock: Clock, tmp_path: Path
) -> None:
    number, code = _fill(sqlite_loket)
    file = tmp_path / "backups" / "loket-2026-11-24.db"
    report = backup(sqlite_loket.db, file)
    assert report.kind == "sqlite" and file.stat().st_size == report.size_bytes
    assert file.stat().st_mode & 0o077 == 0  # only the owner reads a backup

    # After the backup: a ticket that the restore must take away again.
    later = sqlite_loket.issue_ticket("dalfsen", "paspoort")
    assert main(["--database", sqlite_loket.db.url, "restore", str(file), "--yes"]) == 0

    numbers = {t.number for t in sqlite_loket.snapshot("dalfsen").waiting}
    assert number in numbers and later.number not in numbers
    clock.set(TUESDAY_9.replace(minute=30))
    ticket, _ = sqlite_loket.check_in(code, "dalfsen")  # the signing key came back
    assert ticket.appointment_reference


def test_backup_keeps_an_existing_file_and_restore_refuses_a_stranger(
    sqlite_loket: Loket, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "b.db"
    file.write_bytes(b"something else")
    assert main(["--database", sqlite_loket.db.url, "backup", str(file)]) == 2
    assert "bestaat al" in capsys.readouterr().err
    assert file.read_bytes() == b"something else"
    assert main(["--database", sqlite_loket.db.url, "restore", str(file), "--yes"]) == 2
    assert "geen reservekopie" in capsys.readouterr().err
    # No --yes and no terminal: nothing is replaced.
    assert main(["--database", sqlite_loket.db.url, "restore", str(file)]) == 2
    assert "--yes" in capsys.readouterr().err


@pytest.mark.postgres
def test_postgresql_round_trip_into_a_new_database_keeps_the_roles(
    roles_db: RolesDb,  # noqa: F811
    clock: Clock,
    tmp_path: Path,
) -> None:
    owner = Loket(Database(roles_db.url), clock, Actor.system("setup"))
    number, code = _fill(owner)
    file = tmp_path / "loket.dump"
    assert backup(owner.db, file).kind == "postgresql"
    owner.db.dispose()

    # Disaster: the database is gone. A new, empty one; restore; roles re-applied.
    server = roles_db.server
    name = f"restored_{uuid.uuid4().hex[:8]}"
    server.create_database(name)  # type: ignore[attr-defined]
    try:
        new_url = server.superuser_url(name)  # type: ignore[attr-defined]
        restored_db = Database(new_url)
        revision = restore(restored_db, file)
        restored_db.dispose()
        assert revision

        with server.connect() as conn:  # type: ignore[attr-defined]
            public_connect = conn.execute(
                "SELECT has_database_privilege('public', %s, 'CONNECT'),"
                " has_database_privilege('public', %s, 'TEMPORARY')",
                (name, name),
            ).fetchone()
        assert public_connect == (False, False)

        kiosk_url = server.url_for(LOGINS["kiosk"], PASSWORD, name)  # type: ignore[attr-defined]
        kiosk = Loket(Database(kiosk_url), clock, Actor("kiosk-hal", roles=frozenset({"kiosk"})))
        clock.set(TUESDAY_9.replace(minute=30))
        try:
            ticket, _ = kiosk.check_in(code, "dalfsen")  # the signing key came back
            assert ticket.number
            assert number in {t.number for t in kiosk.snapshot("dalfsen").waiting}
        finally:
            kiosk.db.dispose()
        with psycopg.connect(kiosk_url.replace("postgresql+psycopg", "postgresql")) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT name FROM appointment")
            conn.rollback()
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT pin_hash FROM staff")
            conn.rollback()
            purposes = {r[0] for r in conn.execute("SELECT purpose FROM signing_key")}
            assert purposes == {"code"}  # row-level security came back too
    finally:
        server.drop_database(name)  # type: ignore[attr-defined]


def test_a_backup_from_another_server_leaves_no_events_ahead_of_this_one(
    loket: Loket, tmp_path: Path
) -> None:
    """Events restored from another server's backup keep its transaction ids; ids ahead
    of this server's would look new to every kiosk's waiting list at every read
    (``loket.waiting_list_pg``). After the restore none is ahead, and none is lost."""
    if loket.db.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite's events carry no transaction")
    _fill(loket)
    ahead = "SELECT count(*) FROM event WHERE xact >= pg_snapshot_xmin(pg_current_snapshot())"
    with loket.db.engine.begin() as conn:
        # As the other server wrote them: a million transactions further.
        conn.execute(
            text(
                "UPDATE event SET xact = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8"
            )
        )
        events = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
    file = tmp_path / "other-server.dump"
    backup(loket.db, file)
    loket.db.dispose()
    restore(Database(loket.db.url), file)
    with loket.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM event")).scalar_one() == events > 0
        assert conn.execute(text(ahead)).scalar_one() == 0
