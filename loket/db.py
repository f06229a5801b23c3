"""Database engines and transactions for SQLite (embedded) and PostgreSQL (many PCs)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from loket import write_queue
from loket.errors import Unavailable

APP_NAME = "loket"


def unavailable(exc: SQLAlchemyError) -> Unavailable:
    """The plain-Dutch ``Unavailable`` for a database problem (``loket.failures`` says
    what exactly: unreachable, no permission, disk full, schema too old ...)."""
    from loket import failures

    failure = failures.describe(exc)
    error = Unavailable(failure.message)
    error.code = failure.code
    return error


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{data_dir / 'loket.db'}"


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get("LOKET_DATABASE_URL") or default_database_url()


def _prepare_sqlite_file(url: str) -> None:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        # hide_parameters: an error never carries a resident's name into a log or screen.
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # SQLAlchemy issues BEGIN itself (below), so the driver must not.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed ticket survives a power cut, not only a crash. One
            # fsync per commit is cheap at front-desk rates (docs/architecture.md).
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # type: ignore[no-untyped-def]
            # Writers take the write lock up front (BEGIN IMMEDIATE) so two counters
            # calling "next" are serialised instead of failing on lock upgrade.
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    # No ping before every checkout (a round trip per transaction): a connection is
    # checked only after it sat idle in the pool (a restarted server or a firewall drops
    # idle ones), recycled after half an hour, and a disconnect found while working
    # invalidates the whole pool, so the next transaction starts on a fresh connection.
    engine = create_engine(url, pool_recycle=RECYCLE_SECONDS, hide_parameters=True)
    _ping_when_idle(engine)
    return engine


RECYCLE_SECONDS = 1800
IDLE_PING_SECONDS = 1.0  # a clerk working steadily never waits for a ping


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):  # type: ignore[no-untyped-def]
        record.info["loket_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy):  # type: ignore[no-untyped-def]
        since = record.info.get("loket_idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_conn.rollback()
        except Exception as exc:
            # The pool throws this connection away and checks out a fresh one.
            raise DisconnectionError(type(exc).__name__) from exc


class Database:
    """An engine plus session factories for reading and for writing."""

    def __init__(self, url: str | None = None) -> None:
        self.url = database_url(url)
        self.engine = make_engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(write_engine, expire_on_commit=False)
        # SQLite: writers take turns through an OS lock (loket.write_queue).
        self._queue = write_queue.for_sqlite_url(self.url) if self.is_sqlite else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction; database trouble becomes ``loket.errors.Unavailable``."""
        try:
            with self._reader() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise unavailable(exc) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: everything inside commits together or not at all.

        Database trouble (connection lost, not migrated, a refused commit) becomes
        ``loket.errors.Unavailable``; the transaction is rolled back.
        """
        try:
            if self._queue is None:
                with self._writer() as session, session.begin():
                    yield session
            else:
                with self._queue.turn(), self._writer() as session, session.begin():
                    yield session
        except SQLAlchemyError as exc:
            raise unavailable(exc) from exc

    def dispose(self) -> None:
        self.engine.dispose()
