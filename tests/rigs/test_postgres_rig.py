from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import create_engine, text

from tests.rigs.postgres import ENV_URL, PostgresServer, start_postgres

pytestmark = pytest.mark.postgres

external = pytest.mark.skipif(
    bool(os.environ.get(ENV_URL)), reason=f"{ENV_URL} points at a server this run did not start"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    with start_postgres(tmp_path_factory.mktemp("pg")) as running:
        yield running


def _databases(server: PostgresServer) -> set[str]:
    with server.connect() as conn:
        return {str(row[0]) for row in conn.execute("SELECT datname FROM pg_database")}


def test_accepts_a_sqlalchemy_connection(server: PostgresServer) -> None:
    url = server.superuser_url()
    assert url.startswith(f"postgresql+psycopg://postgres:{server.password}@127.0.0.1:")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
            assert conn.execute(text("SELECT current_user")).scalar_one() == server.superuser
    finally:
        engine.dispose()


def test_creates_a_database_from_a_template_and_drops_it(server: PostgresServer) -> None:
    server.create_database("rig_template")
    with psycopg.connect(server.conninfo("rig_template"), autocommit=True) as conn:
        conn.execute("CREATE TABLE branch (code text PRIMARY KEY)")
        conn.execute("INSERT INTO branch VALUES ('stadhuis')")
    url = server.create_database("rig_copy", template="rig_template")
    assert url.endswith("/rig_copy")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT code FROM branch")).scalars().all() == ["stadhuis"]
    finally:
        engine.dispose()
    assert {"rig_template", "rig_copy"} <= _databases(server)

    # Dropping works with a connection still open: tests need not be tidy for cleanup.
    lingering = psycopg.connect(server.conninfo("rig_copy"))
    server.drop_database("rig_copy")
    lingering.close()
    server.drop_database("rig_template")
    server.drop_database("rig_never_created")
    assert not {"rig_template", "rig_copy"} & _databases(server)


def test_other_roles_log_in_with_a_password(server: PostgresServer) -> None:
    with server.connect() as conn:
        conn.execute("DROP ROLE IF EXISTS loket_kiosk")
        conn.execute(sql.SQL("CREATE ROLE loket_kiosk LOGIN PASSWORD {}").format("kiosk-secret"))
    try:
        engine = create_engine(server.url_for("loket_kiosk", "kiosk-secret", "postgres"))
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT current_user")).scalar_one() == "loket_kiosk"
                assert not conn.execute(
                    text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                ).scalar_one()
        finally:
            engine.dispose()
        for password in ("wrong", None):
            with pytest.raises(psycopg.OperationalError):
                psycopg.connect(server.conninfo("postgres", "loket_kiosk", password)).close()
    finally:
        with server.connect() as conn:
            conn.execute("DROP ROLE loket_kiosk")


@external
def test_superuser_needs_its_password_over_tcp(server: PostgresServer) -> None:
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.conninfo("postgres", server.superuser, "guess")).close()


@external
def test_starts_quickly_and_stop_removes_everything(tmp_path: Path) -> None:
    server = start_postgres(tmp_path)
    assert server.root is not None and server.data_dir is not None
    root, port = server.root, server.port
    assert (server.data_dir / "PG_VERSION").exists()
    assert server.start_seconds < 30
    with server.connect() as conn:
        assert conn.execute("SELECT current_setting('fsync')").fetchone() == ("off",)
        assert conn.execute("SELECT current_setting('listen_addresses')").fetchone() == (
            "127.0.0.1",
        )
    server.stop()
    assert not root.exists()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    server.stop()  # twice is harmless


@external
def test_two_servers_side_by_side(tmp_path: Path, server: PostgresServer) -> None:
    # As pytest-xdist workers do: each its own cluster and port.
    with start_postgres(tmp_path) as second:
        assert second.port != server.port
        with second.connect() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
