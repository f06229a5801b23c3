"""`loket db init` and `loket db upgrade` on the PostgreSQL rig, as an administrator
would run them: idempotent, least privilege, clear refusals, and an upgrade of the
previous release's database with data while a waiting-room display stays connected."""

from __future__ import annotations

import stat
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy.engine import make_url

from loket import migrate
from loket.cli import main
from loket.clock import Clock
from loket.db import Database
from loket.events import Actor
from loket.feed import PostgresFeed
from loket.services import Loket
from tests.conftest import DEMO_CONFIG, TUESDAY_9
from tests.loket.test_db_roles import RolesDb, roles_db  # noqa: F401

pytestmark = pytest.mark.postgres


def _env_url(path: Path) -> str:
    line = next(x for x in path.read_text().splitlines() if x.startswith("LOKET_DATABASE_URL="))
    return line.split("=", 1)[1]


@pytest.fixture
def cluster(postgres_server, monkeypatch, tmp_path: Path) -> Iterator[tuple[object, str]]:  # type: ignore[no-untyped-def]
    """A database name and login suffix of this test; dropped afterwards."""
    monkeypatch.setenv("LOKET_LOG_DIR", str(tmp_path / "log"))
    tag = uuid.uuid4().hex[:8]
    yield postgres_server, tag
    with postgres_server.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "init_{tag}" WITH (FORCE)'.encode())
        for login in (f"owner_{tag}", f"kiosk_{tag}", f"counter_{tag}", f"weak_{tag}"):
            conn.execute(f'DROP ROLE IF EXISTS "{login}"'.encode())


def test_init_creates_everything_once_and_the_pcs_connect_with_their_own_login(
    cluster: tuple[object, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server, tag = cluster
    admin = server.superuser_url("postgres")  # type: ignore[attr-defined]
    args = [
        "db", "init", "--admin-url", admin, "--name", f"init_{tag}", "--owner", f"owner_{tag}",
        "--login", f"kiosk=kiosk_{tag}", "--login", f"counter=counter_{tag}",
        "--env-dir", str(tmp_path / "env"),
    ]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Nieuw: " in out and f"database init_{tag}" in out
    files = {p.name: p for p in (tmp_path / "env").iterdir()}
    assert set(files) == {f"owner_{tag}.env", f"kiosk_{tag}.env", f"counter_{tag}.env"}
    for path in files.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert admin.split("@")[0].split(":")[-1] not in out  # no password printed

    # The owner owns the tables and applies the municipality's configuration.
    owner = Loket(Database(_env_url(files[f"owner_{tag}.env"])), Clock(TUESDAY_9, frozen=True))
    owner.actor = Actor.system("setup")
    owner.apply_config(DEMO_CONFIG)
    owner.db.dispose()
    with server.connect(f"init_{tag}") as conn:  # type: ignore[attr-defined]
        owners = {
            r[0] for r in conn.execute("SELECT tableowner FROM pg_tables WHERE schemaname='public'")
        }
        public = conn.execute(
            "SELECT has_database_privilege('public', current_database(), 'CONNECT')"
        ).fetchone()
    assert owners == {f"owner_{tag}"} and public == (False,)

    kiosk_url = _env_url(files[f"kiosk_{tag}.env"])
    kiosk = Loket(
        Database(kiosk_url), Clock(TUESDAY_9, frozen=True), Actor("hal", roles=frozenset({"kiosk"}))
    )
    assert kiosk.issue_ticket("dalfsen", "paspoort").number
    kiosk.db.dispose()
    with (
        psycopg.connect(
            make_url(kiosk_url).set(drivername="postgresql").render_as_string(hide_password=False)
        ) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("SELECT pin_hash FROM staff")

    # Again: nothing new, no new passwords, the logins still work.
    assert main(args) == 0
    again = capsys.readouterr().out
    assert "Nieuw:" not in again and "Bestond al" in again
    assert len(list((tmp_path / "env").iterdir())) == 3
    kiosk = Loket(
        Database(kiosk_url), Clock(TUESDAY_9, frozen=True), Actor("hal", roles=frozenset({"kiosk"}))
    )
    assert kiosk.issue_ticket("dalfsen", "paspoort").number
    kiosk.db.dispose()


def test_a_login_without_createrole_is_told_what_is_missing(
    cluster: tuple[object, str], capsys: pytest.CaptureFixture[str]
) -> None:
    server, tag = cluster
    with server.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(f"CREATE ROLE weak_{tag} LOGIN CREATEDB PASSWORD 'not-a-superuser-1'".encode())
    weak = server.url_for(f"weak_{tag}", "not-a-superuser-1", "postgres")  # type: ignore[attr-defined]
    assert main(["db", "init", "--admin-url", weak, "--name", f"init_{tag}"]) == 2
    err = capsys.readouterr().err
    assert f"De login weak_{tag} mist het recht CREATEROLE" in err
    assert "Traceback" not in err
    with server.connect() as conn:  # type: ignore[attr-defined]
        assert (
            conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (f"init_{tag}",)
            ).fetchone()
            is None
        )


def test_upgrade_of_the_previous_release_with_data_while_the_display_stays_connected(
    roles_db: RolesDb,  # noqa: F811
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    owner = Loket(Database(roles_db.url), clock, Actor.system("setup"))
    waiting = owner.issue_ticket("dalfsen", "paspoort")
    booked = owner.book_appointment(
        "dalfsen", "idkaart", TUESDAY_9.replace(hour=11), name="Els Mulder"
    )
    # The previous release: the schema one migration back, data in it.
    cfg = migrate.alembic_config(owner.db)
    with owner.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    owner.db.dispose()

    # The display is on and listening while the administrator upgrades.
    display_url = roles_db.url_as("display")
    feed = PostgresFeed(display_url)
    feed.wait(0.1)
    display = Loket(Database(display_url), clock, Actor("wachtkamer", roles=frozenset({"display"})))
    stop = threading.Event()
    reads: list[float] = []
    errors: list[str] = []

    def keep_reading() -> None:
        while not stop.is_set():
            try:
                display.display_state("dalfsen")
                reads.append(time.monotonic())
            except Exception as exc:  # the old schema under the new program, until upgraded
                errors.append(f"{time.monotonic():.1f} {str(exc).splitlines()[0]}")
            time.sleep(0.1)

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        started = time.monotonic()
        assert main(["--database", roles_db.url, "db", "upgrade"]) == 0
        took = time.monotonic() - started
        out = capsys.readouterr().out
        assert "Rollen en rechten opnieuw ingesteld" in out
        assert took < 60
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(t > started + took for t in reads):
            time.sleep(0.1)
        after = [t for t in reads if t > started + took]
        assert after, f"the display could not read the queue after the upgrade: {errors[-3:]}"
        # A ticket from the kiosk reaches the display that stayed connected.
        kiosk = roles_db.loket_as("kiosk", {"kiosk"}, clock)
        new = kiosk.issue_ticket("dalfsen", "paspoort")
        # The visitor chose German: recorded through loket_ticket_language (0014).
        assert kiosk.record_language("dalfsen", new.number, "de")
        kiosk.db.dispose()
        kinds = [r.get("kind") for r in feed.wait(10)]
        assert "ticket.issued" in kinds
        state = display.display_state("dalfsen")
        assert state
    finally:
        stop.set()
        reader.join()
        feed.close()
        display.db.dispose()

    owner = Loket(Database(roles_db.url), clock, Actor.system("check"))
    # The texts per language survive the upgrade (0014 moved them out of _nl/_en).
    names = {s.code: s.names for s in owner.services_at("dalfsen")}
    assert names["paspoort"]["nl"] == "Paspoort aanvragen"
    assert names["paspoort"]["en"] == "Apply for a passport"
    numbers = {t.number for t in owner.snapshot("dalfsen").waiting}
    assert {waiting.number, new.number} <= numbers
    assert owner.appointment(booked.reference).reference == booked.reference
    owner.db.dispose()
