"""A real PgBouncer in front of the test PostgreSQL (tests/rigs/postgres.py).

``start_pgbouncer(server, base_dir, pool_mode="session")`` writes a configuration, starts
``pgbouncer`` on a free port of 127.0.0.1 and returns a :class:`PgBouncer` whose
``url_for(database)`` is the superuser URL through the pooler. Session pooling: a client
keeps its server connection while it is connected, which LISTEN needs (the event feed);
``max_client_conn`` many PCs share ``default_pool_size`` server connections per database
only as long as they are not all connected at once: see docs/architecture.md,
"Connection budget".

PgBouncer refuses to run as root; as root it runs as the PostgreSQL rig's service
account (``pgbouncer -u``). No pytest in here, so scripts and benchmarks can use it too.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL

from tests.rigs.postgres import (
    HOST,
    PostgresServer,
    PostgresUnavailable,
    _free_port,
    _log_tail,
    _make_dirs,
    _service_account,
)

__all__ = ["PgBouncer", "start_pgbouncer"]


class PgBouncer:
    def __init__(self, server: PostgresServer, port: int, proc: subprocess.Popen[bytes], log: Path):
        self.server = server
        self.port = port
        self.proc = proc
        self.log = log

    def url_for(self, database: str) -> str:
        return URL.create(
            "postgresql+psycopg", username=self.server.superuser, password=self.server.password,
            host=HOST, port=self.port, database=database,
        ).render_as_string(hide_password=False)  # fmt: skip

    def server_connections(self, database: str) -> int:
        """Connections PostgreSQL itself holds for ``database`` (the pooler's included)."""
        with self.server.connect() as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)
            ).fetchone()
        return int(str(row[0])) if row else 0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # immediate shutdown
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_pgbouncer(
    server: PostgresServer,
    base_dir: Path,
    *,
    pool_mode: str = "session",
    default_pool_size: int = 20,
    max_client_conn: int = 400,
) -> PgBouncer:
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        raise PostgresUnavailable("pgbouncer is not installed (Debian package pgbouncer)")
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    account = _service_account() if root else None
    # A directory the service account can enter (pytest's own is private to root).
    base, _sockets = _make_dirs(Path(base_dir), account)
    port = _free_port()
    log = base / "pgbouncer.log"
    users = base / "userlist.txt"
    users.write_text(f'"{server.superuser}" "{server.password}"\n')
    ini = base / "pgbouncer.ini"
    ini.write_text(
        "\n".join(
            [
                "[databases]",
                f"* = host={server.host} port={server.port}",
                "[pgbouncer]",
                f"listen_addr = {HOST}",
                f"listen_port = {port}",
                "unix_socket_dir =",
                "auth_type = scram-sha-256",
                f"auth_file = {users}",
                f"pool_mode = {pool_mode}",
                f"default_pool_size = {default_pool_size}",
                f"max_client_conn = {max_client_conn}",
                f"logfile = {log}",
                "ignore_startup_parameters = extra_float_digits",
                "",
            ]
        )
    )
    command = [binary, str(ini)]
    if account is not None:
        import pwd

        for path in (base, users, ini):
            os.chown(path, account.uid, account.gid)
        os.chmod(users, 0o600)
        command = [binary, "-u", pwd.getpwuid(account.uid).pw_name, str(ini)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    bouncer = PgBouncer(server, port, proc, log)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise PostgresUnavailable(f"pgbouncer exited: {err}\n{_log_tail(log)}")
        try:
            with psycopg.connect(
                host=HOST,
                port=port,
                user=server.superuser,
                password=server.password or "",
                dbname="postgres",
                connect_timeout=2,
            ):
                return bouncer
        except psycopg.OperationalError:
            time.sleep(0.2)
    bouncer.stop()
    raise PostgresUnavailable(f"pgbouncer did not accept connections:\n{_log_tail(log)}")
