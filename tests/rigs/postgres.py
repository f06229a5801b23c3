"""A real PostgreSQL server for the tests: a throw-away cluster in a temporary directory.

``start_postgres(base_dir)`` runs initdb and pg_ctl (from PATH, else the newest
/usr/lib/postgresql/*/bin), listens on 127.0.0.1 at a free port, and returns a
:class:`PostgresServer`. Set ``LOKET_TEST_POSTGRES_URL`` to the superuser URL of an
existing server to use that instead (nothing is started or stopped then).

Authentication: over the unix socket (a directory only the cluster's owner can enter)
everyone is trusted; over TCP every role, the superuser included, needs its password
(scram-sha-256). Trusting the superuser on TCP would let any local account on a shared
machine run ``COPY ... TO PROGRAM`` as the cluster's owner. The superuser gets a random
password that :meth:`PostgresServer.superuser_url` carries, and least-privilege tests
connect as e.g. ``loket_kiosk`` with :meth:`PostgresServer.url_for`.

PostgreSQL refuses to run as root. As root the cluster belongs to the ``postgres`` system
user (or to ``loket-pgtest``, created once if there is no ``postgres``) and initdb/pg_ctl
run as that user.

No pytest in here, so scripts and benchmarks can use it too.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import URL, make_url

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["ENV_URL", "PostgresServer", "PostgresUnavailable", "find_bindir", "start_postgres"]

ENV_URL = "LOKET_TEST_POSTGRES_URL"
SUPERUSER = "postgres"
FALLBACK_OS_USER = "loket-pgtest"
HOST = "127.0.0.1"
_DRIVER = "postgresql+psycopg"
_PORT_ATTEMPTS = 5
# sun_path holds 108 bytes on Linux; the socket file name adds ".s.PGSQL.NNNNN".
_MAX_SOCKET_DIR = 90

_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_permissions": "0700",
    # Durability buys nothing in a cluster that is deleted after the run.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    # Small, so several pytest-xdist workers each running a server stay light.
    "shared_buffers": "'32MB'",
    "max_connections": "100",
    # The municipality's zone, as in production; not the CI machine's.
    "timezone": "'Europe/Amsterdam'",
    "lc_messages": "'C'",
    "log_min_messages": "warning",
}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries, or the server would not start (the log tail says why)."""


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", path.parent.name)) or (0,)


def find_bindir() -> Path:
    """The directory holding initdb and pg_ctl: PATH first, then the newest install."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    candidates = [
        *Path("/usr/lib/postgresql").glob("*/bin"),
        *Path("/usr").glob("pgsql-*/bin"),
        *Path("C:/Program Files/PostgreSQL").glob("*/bin"),
    ]
    for bindir in sorted(candidates, key=_version_key, reverse=True):
        if any((bindir / f"initdb{ext}").exists() for ext in ("", ".exe")):
            return bindir
    raise PostgresUnavailable(
        "initdb/pg_ctl not found on PATH or in /usr/lib/postgresql/*/bin; "
        "install the Debian package 'postgresql' (make test does) or set " + ENV_URL
    )


@dataclass(frozen=True)
class _RunAs:
    uid: int
    gid: int


def _service_account() -> _RunAs:
    import pwd

    for name in (SUPERUSER, FALLBACK_OS_USER):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return _RunAs(entry.pw_uid, entry.pw_gid)
    # Exit status 9 means another test worker created it in the meantime.
    result = subprocess.run(
        ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
         "/nonexistent", "--shell", "/usr/sbin/nologin", FALLBACK_OS_USER],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode not in (0, 9):
        raise PostgresUnavailable(f"running as root and could not create a user: {result.stderr}")
    entry = pwd.getpwnam(FALLBACK_OS_USER)
    return _RunAs(entry.pw_uid, entry.pw_gid)


def _enterable(path: Path, who: _RunAs) -> bool:
    for directory in (path, *path.parents):
        st = directory.stat()
        if st.st_mode & stat.S_IXOTH:
            continue
        if st.st_uid == who.uid and st.st_mode & stat.S_IXUSR:
            continue
        if st.st_gid == who.gid and st.st_mode & stat.S_IXGRP:
            continue
        return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _log_tail(log: Path, lines: int = 25) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


class PostgresServer:
    """A running server: URLs for SQLAlchemy, databases on demand, stop when done."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        superuser: str,
        password: str | None,
        external: bool,
        start_seconds: float = 0.0,
    ) -> None:
        self.host = host
        self.port = port
        self.superuser = superuser
        self.password = password
        self.external = external
        self.start_seconds = start_seconds
        self.root: Path | None = None
        self.data_dir: Path | None = None
        self.log_path: Path | None = None
        self.socket_dir: Path | None = None
        self._stop: Callable[[], object] | None = None
        self._cluster: _Cluster | None = None

    # --- addresses ---

    def _url(self, user: str, password: str | None, dbname: str) -> URL:
        return URL.create(
            _DRIVER, username=user, password=password, host=self.host, port=self.port,
            database=dbname,
        )  # fmt: skip

    def superuser_url(self, dbname: str = "postgres") -> str:
        """``postgresql+psycopg://postgres:…@127.0.0.1:PORT/dbname``, password included."""
        return self._url(self.superuser, self.password, dbname).render_as_string(
            hide_password=False
        )

    def url_for(self, user: str, password: str | None, dbname: str) -> str:
        return self._url(user, password, dbname).render_as_string(hide_password=False)

    def conninfo(
        self, dbname: str = "postgres", user: str | None = None, password: str | None = None
    ) -> str:
        """A libpq connection string, for plain psycopg (LISTEN/NOTIFY tests and the like)."""
        if user is None:
            user, password = self.superuser, self.password
        return make_conninfo(
            host=self.host, port=self.port, user=user, password=password or None, dbname=dbname
        )

    def connect(self, dbname: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A superuser connection in autocommit mode; close it (use ``with``)."""
        return psycopg.connect(self.conninfo(dbname), autocommit=True)

    # --- databases ---

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create ``name`` (a copy of ``template`` if given); returns its superuser URL.

        A template must have no other connections: dispose engines on it first.
        """
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        with self.connect() as conn:
            if template is not None:
                query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
                # PostgreSQL 15 made WAL_LOG the default; for a small template and fsync
                # off, copying the files measured ~190 ms against ~220-290 ms.
                if conn.info.server_version >= 150000:
                    query += sql.SQL(" STRATEGY FILE_COPY")
            conn.execute(query)
        return self.superuser_url(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name`` if it exists, closing whatever is still connected to it."""
        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    # --- life cycle ---

    def restart(self) -> None:
        """A fast restart on the same port: every client connection is cut."""
        if self._cluster is None or self.data_dir is None:
            raise PostgresUnavailable("cannot restart a server this rig did not start")
        result = self._cluster.run(
            "pg_ctl", "restart", "-D", str(self.data_dir), "-l", str(self.log_path),
            "-m", "fast", "-w", "-t", "60", "-o", f"-p {self.port}",
        )  # fmt: skip
        if result.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl restart failed:\n{result.stderr}")

    def pause(self) -> None:
        """Stop the server (fast: every client connection is cut) but keep the cluster,
        for a test of an outage; :meth:`resume` starts it again on the same port."""
        self._ctl("stop", "-m", "fast")

    def resume(self) -> None:
        self._ctl("start", "-o", f"-p {self.port}")

    def _ctl(self, *args: str) -> None:
        if self._cluster is None or self.data_dir is None:
            raise PostgresUnavailable("cannot stop or start a server this rig did not start")
        result = self._cluster.run(
            "pg_ctl", args[0], "-D", str(self.data_dir), "-l", str(self.log_path),
            "-w", "-t", "60", *args[1:],
        )  # fmt: skip
        if result.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl {args[0]} failed:\n{result.stderr}")

    def stop(self) -> None:
        """Fast shutdown and delete the cluster; does nothing for an external server."""
        if self._stop is not None:
            self._stop()

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = "external" if self.external else str(self.data_dir)
        return f"<PostgresServer {self.host}:{self.port} {where}>"


class _Cluster:
    """What it takes to run pg_ctl on the cluster, shared with the exit-time finalizer."""

    def __init__(self, bindir: Path, root: Path, socket_dir: Path, run_as: _RunAs | None) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.socket_dir = socket_dir
        self.run_as = run_as

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", HOME=str(self.root))
        kwargs: dict[str, object] = {}
        if self.run_as is not None:
            kwargs.update(user=self.run_as.uid, group=self.run_as.gid, extra_groups=[])
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.root, env=env, capture_output=True, text=True, timeout=timeout,
            check=False, **kwargs,  # type: ignore[call-overload]
        )  # fmt: skip

    def shutdown(self) -> None:
        # Never raises: it also runs from the interpreter's exit hooks.
        if self.data.exists():
            stopped = False
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                result = self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")
                stopped = result.returncode == 0
            if not stopped:
                self._kill_leftover()
        shutil.rmtree(self.root, ignore_errors=True)
        if self.socket_dir != self.root:
            shutil.rmtree(self.socket_dir, ignore_errors=True)

    def _kill_leftover(self) -> None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            # A stale pid file may name a recycled pid: only a postgres on this data dir.
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            return
        if str(self.data).encode() in cmdline:
            # SIGQUIT is PostgreSQL's immediate shutdown.
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGQUIT)


def _external(url_text: str) -> PostgresServer:
    url = make_url(url_text)
    return PostgresServer(
        host=url.host or HOST,
        port=url.port or 5432,
        superuser=url.username or SUPERUSER,
        password=url.password if url.password is None else str(url.password),
        external=True,
    )


def _make_dirs(base_dir: Path, run_as: _RunAs | None) -> tuple[Path, Path]:
    base_dir.mkdir(parents=True, exist_ok=True)
    parent = base_dir
    if run_as is not None and not _enterable(base_dir, run_as):
        # pytest's tmp_path sits under /tmp/pytest-of-root (mode 0700): postgres can't enter.
        parent = Path(tempfile.gettempdir())
        if not _enterable(parent, run_as):
            raise PostgresUnavailable(f"no directory the cluster's owner can enter: {parent}")
    root = Path(tempfile.mkdtemp(prefix="loket-pg-", dir=parent))
    socket_dir = root
    if len(str(root)) > _MAX_SOCKET_DIR:
        socket_dir = Path(tempfile.mkdtemp(prefix="lpg-"))
    if run_as is not None:
        for directory in {root, socket_dir}:
            os.chown(directory, run_as.uid, run_as.gid)
    return root, socket_dir


def start_postgres(base_dir: Path, settings: dict[str, str] | None = None) -> PostgresServer:
    """Start a fresh server under ``base_dir`` (or use ``LOKET_TEST_POSTGRES_URL``);
    ``settings`` override postgresql.conf (e.g. a lower ``max_connections``)."""
    began = time.perf_counter()
    if os.environ.get(ENV_URL):
        server = _external(os.environ[ENV_URL])
        server.start_seconds = time.perf_counter() - began
        return server

    bindir = find_bindir()
    run_as = _service_account() if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    root, socket_dir = _make_dirs(Path(base_dir), run_as)
    cluster = _Cluster(bindir, root, socket_dir, run_as)
    try:
        password = secrets.token_urlsafe(18)
        port = _init_and_start(cluster, password, settings or {})
    except BaseException:
        cluster.shutdown()
        raise

    server = PostgresServer(
        host=HOST, port=port, superuser=SUPERUSER, password=password, external=False,
        start_seconds=time.perf_counter() - began,
    )  # fmt: skip
    server.root, server.data_dir, server.log_path = root, cluster.data, cluster.log
    server.socket_dir = socket_dir
    # Stops the server even if a test run forgets to, or is interrupted.
    server._stop = weakref.finalize(server, cluster.shutdown)
    server._cluster = cluster
    return server


def _init_and_start(cluster: _Cluster, password: str, extra: dict[str, str]) -> int:
    pwfile = cluster.root / "pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    if cluster.run_as is not None:
        os.chown(pwfile, cluster.run_as.uid, cluster.run_as.gid)
    result = cluster.run(
        "initdb", "-D", str(cluster.data), "-U", SUPERUSER, f"--pwfile={pwfile}",
        "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions",
        "--auth-local=trust", "--auth-host=scram-sha-256",
    )  # fmt: skip
    pwfile.unlink()
    if result.returncode != 0:
        raise PostgresUnavailable(f"initdb failed:\n{result.stdout}\n{result.stderr}")

    # Appending keeps the files' owner (postgres) even when we are root.
    settings = {**_SETTINGS, **extra, "unix_socket_directories": f"'{cluster.socket_dir}'"}
    with (cluster.data / "postgresql.conf").open("a") as conf:
        conf.write("\n# loket test rig\n")
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    with (cluster.data / "pg_hba.conf").open("w") as hba:
        hba.write(
            "# loket test rig: socket trusted (owner-only directory), TCP needs a password\n"
            "local all all trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
        )

    log = ""
    for _attempt in range(_PORT_ATTEMPTS):
        if cluster.log.exists():
            # Truncated so a failure is judged by this attempt's lines only.
            cluster.log.open("w").close()
        port = _free_port()
        result = cluster.run(
            "pg_ctl", "start", "-D", str(cluster.data), "-l", str(cluster.log),
            "-w", "-t", "60", "-o", f"-p {port}",
        )  # fmt: skip
        if result.returncode == 0:
            return port
        log = _log_tail(cluster.log)
        # Another process took the port between our probe and the server's bind.
        if "could not bind" not in log and "Address already in use" not in log:
            raise PostgresUnavailable(f"pg_ctl start failed:\n{result.stderr}\n{log}")
    raise PostgresUnavailable(f"no free port after {_PORT_ATTEMPTS} attempts:\n{log}")


def drop_pooled_connection(engine: Engine) -> None:
    """The server ends the connection ``engine``'s pool holds (as a restart or a network
    cut would), unseen by the pool until it is used."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    with engine.connect() as pooled:
        pid = pooled.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    killer = create_engine(engine.url, poolclass=NullPool)
    try:
        with killer.connect() as other:
            other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
    finally:
        killer.dispose()
