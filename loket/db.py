"""Database engines and transactions for SQLite (embedded) and PostgreSQL (many PCs)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

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
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


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
            with self._writer() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise unavailable(exc) from exc

    def dispose(self) -> None:
        self.engine.dispose()
