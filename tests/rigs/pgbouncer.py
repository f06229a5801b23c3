"""A real PgBouncer in front of the test PostgreSQL (tests/rigs/postgres.py).

``start_pgbouncer(server, base_dir, pool_mode="session")`` writes a configuration, starts
``pgbouncer`` on a free port of 127.0.0.1 and returns a :class:`PgBouncer` whose
``url_for(database)`` is the superuser URL through the pooler. Session pooling: a client
keeps its server connection while it is connected, which LISTEN needs (the event feed);
``max_client_conn`` many PCs share ``default_pool_size`` server connections per database
only as long as they are not all connected at once.

The production set-up (docs/architecture.md, "Connection budget"): ``pool_mode =
"transaction"`` for every database (the engines: a server connection per transaction),
plus ``add_alias(alias, database)``: a session-pooled alias of the same database for the
event feeds' LISTEN. ``pc_url(database, alias)`` is then the URL a PC gets, with Loket's
options ``loket_pooler=transaction`` and ``loket_feed_database=<alias>`` (``loket.db``).

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
from sqlalchemy.engine import URL, make_url

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
        self.ini: Path | None = None
        self.settings: list[str] = []
        self.aliases: dict[str, str] = {}

    def pc_url(self, database: str, feed_alias: str, login: tuple[str, str] | None = None) -> str:
        """A PC's URL: engine through transaction pooling, feed through ``feed_alias``;
        as ``login`` (name, password; ``add_user`` first) instead of the superuser."""
        url = make_url(self.url_for(database))
        if login is not None:
            url = url.set(username=login[0], password=login[1])
        query = {"loket_pooler": "transaction", "loket_feed_database": feed_alias}
        return url.set(query=query).render_as_string(hide_password=False)

    def add_user(self, login: str, password: str) -> None:
        """Let ``login`` in (PgBouncer logs in to PostgreSQL with the same password)."""
        assert self.ini is not None
        users = self.ini.with_name("userlist.txt")
        with users.open("a") as f:
            f.write(f'"{login}" "{password}"\n')
        self.proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)  # the reload is quick; a login before it would be refused

    def add_alias(
        self, alias: str, database: str, *, pool_mode: str = "session", pool_size: int = 0
    ) -> None:
        """A database entry ``alias`` for ``database`` with its own pool mode (and size),
        read by PgBouncer at once (SIGHUP reloads the configuration)."""
        size = f" pool_size={pool_size}" if pool_size else ""
        self.aliases[alias] = f"dbname={database} pool_mode={pool_mode}{size}"
        self._write()
        self.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with psycopg.connect(self._conninfo(alias), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise PostgresUnavailable(f"pgbouncer did not take alias {alias}:\n{_log_tail(self.log)}")

    def _conninfo(self, dbname: str) -> str:
        return psycopg.conninfo.make_conninfo(
            host=HOST, port=self.port, user=self.server.superuser,
            password=self.server.password or "", dbname=dbname,
        )  # fmt: skip

    def _write(self) -> None:
        assert self.ini is not None
        target = f"host={self.server.host} port={self.server.port}"
        lines = ["[databases]"]
        lines += [f"{alias} = {target} {entry}" for alias, entry in self.aliases.items()]
        lines += [f"* = {target}", "[pgbouncer]", *self.settings, ""]
        self.ini.write_text("\n".join(lines))

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
    max_db_connections: int = 0,
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
    settings = [
        f"listen_addr = {HOST}",
        f"listen_port = {port}",
        "unix_socket_dir =",
        "auth_type = scram-sha-256",
        f"auth_file = {users}",
        f"pool_mode = {pool_mode}",
        f"default_pool_size = {default_pool_size}",
        f"max_client_conn = {max_client_conn}",
        f"max_db_connections = {max_db_connections}",
        f"logfile = {log}",
        "ignore_startup_parameters = extra_float_digits",
    ]
    bouncer = PgBouncer(server, port, None, log)  # type: ignore[arg-type]  # started below
    bouncer.ini, bouncer.settings = ini, settings
    bouncer._write()
    command = [binary, str(ini)]
    if account is not None:
        import pwd

        for path in (base, users, ini):
            os.chown(path, account.uid, account.gid)
        os.chmod(users, 0o600)
        command = [binary, "-u", pwd.getpwuid(account.uid).pw_name, str(ini)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    bouncer.proc = proc
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
