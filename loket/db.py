"""Database engines and transactions for SQLite (embedded) and PostgreSQL (many PCs)."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection

from loket import heap, write_queue
from loket.errors import ConfigError, Unavailable

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


# Loket's own options in a PostgreSQL URL's query, taken out before the driver sees it
# (docs/architecture.md, "Connection budget"):
#   loket_pooler=transaction  the URL is a PgBouncer alias in transaction pooling: no
#                             server-side prepared statements (psycopg prepares a query
#                             it ran 5 times, which a pooled server connection lacks)
#   loket_feed_database=NAME  the event feed LISTENs on this database alias instead
#                             (LISTEN needs session pooling); loket_feed_port=N its port
LOKET_OPTIONS = ("loket_pooler", "loket_feed_database", "loket_feed_port")


@dataclass(frozen=True)
class Endpoints:
    """Where a PC's engine and its event feed connect, from one URL."""

    engine: str  # for SQLAlchemy and the driver: Loket's options removed
    feed: str  # the feed's LISTEN connection: the session-pooled alias, else ``engine``
    transaction_pooled: bool


def endpoints(url: str) -> Endpoints:
    """Split a database URL with Loket's options (``LOKET_OPTIONS``) into its endpoints."""
    parsed = make_url(url)
    query = dict(parsed.query)
    if not any(name in query for name in LOKET_OPTIONS):
        return Endpoints(url, url, False)
    pooler = str(query.pop("loket_pooler", "") or "")
    if pooler not in ("", "session", "transaction"):
        raise ConfigError(
            [f"loket_pooler in het databaseadres: kies 'transaction' of 'session', niet {pooler!r}"]
        )
    feed_db = str(query.pop("loket_feed_database", "") or "") or parsed.database
    feed_port = str(query.pop("loket_feed_port", "") or "")
    if feed_port and not (feed_port.isdigit() and 0 < int(feed_port) < 65536):
        raise ConfigError(
            [f"loket_feed_port in het databaseadres: moet een poortnummer zijn, niet {feed_port!r}"]
        )
    engine = parsed.set(query=query)
    feed = engine.set(database=feed_db, port=int(feed_port) if feed_port else parsed.port)
    return Endpoints(
        engine.render_as_string(hide_password=False),
        feed.render_as_string(hide_password=False),
        pooler == "transaction",
    )


def _prepare_sqlite_file(url: str) -> None:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, application_name: str | None = None) -> Engine:
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        heap.keep_freed_memory()  # SQLite's temporary tables: see loket.heap
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
            cur.execute("PRAGMA mmap_size=268435456")
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
    ends = endpoints(url)
    connect_args: dict[str, object] = {}
    if ends.transaction_pooled:
        # A transaction-pooled server connection is shared: no named prepared statements
        # (psycopg would find them missing on the next server), no session settings.
        connect_args["prepare_threshold"] = None
    if application_name:
        connect_args["application_name"] = application_name[:63]  # pg_stat_activity
    if "connect_timeout" not in make_url(ends.engine).query:
        # A server whose host is gone (a pulled cable, not a refusal) would otherwise hold
        # a screen for the operating system's TCP timeout, minutes; screens probe from
        # their GUI thread (kiosk.connection_watch) and show "Even geduld" instead.
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    engine = create_engine(
        ends.engine,
        pool_recycle=RECYCLE_SECONDS,
        hide_parameters=True,
        connect_args=connect_args,
    )
    _ping_when_idle(engine)
    return engine


RECYCLE_SECONDS = 1800
CONNECT_TIMEOUT_SECONDS = 3
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


@dataclass
class DriverWrite:
    """A SQLite write transaction on the driver's connection (``Database.driver_write``)."""

    conn: sqlite3.Connection
    logged: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def log(self, event_id: int, **columns: Any) -> None:
        """Write this event's line to the log once the transaction has committed (the
        line is made then too: nothing but SQL inside the turn)."""
        self.logged.append((event_id, columns))


def _open_wal(conn: sqlite3.Connection, info: dict[Any, Any]) -> int | None:
    """The write-ahead log of this connection's database, opened to be flushed after the
    commit; the connection then commits without flushing (see ``_sync``). None (and the
    connection flushes at commit as always) where there is no such file. ``info``: the
    pooled connection's own, where the log's name is kept."""
    if "loket_wal" not in info:
        mode = conn.execute("PRAGMA main.journal_mode").fetchone()
        name = conn.execute("PRAGMA main.database_list").fetchone()
        wal = mode is not None and mode[0] == "wal" and name is not None and name[2]
        info["loket_wal"] = f"{name[2]}-wal" if wal and name is not None else ""
    if not info["loket_wal"]:
        return None
    try:
        fd = os.open(info["loket_wal"], os.O_RDONLY)
    except OSError:
        return None
    conn.execute("PRAGMA synchronous=NORMAL")
    return fd


def _sync(fd: int) -> None:
    """Flush the write-ahead log after the writer turn. In WAL mode a commit is a write
    to the end of the log; FULL flushes it to disk before the commit returns, which kept
    every other writer waiting for the disk. NORMAL leaves the flush out; it is done
    here, outside the turn, before the caller hears the transaction succeeded: what a
    clerk was shown as done survives a power cut, as with FULL, and the flushes of
    writers finishing at once overlap (one flush carries every commit before it). A
    power cut between the commit and this flush loses that commit and any after it,
    never one in the middle (the log is replayed up to the first frame not on disk)."""
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:
        os.fsync(fd)


class Database:
    """An engine plus session factories for reading and for writing."""

    def __init__(
        self,
        url: str | None = None,
        *,
        application_name: str | None = None,
        engine: Engine | None = None,
    ) -> None:
        # ``url`` as given (with Loket's options: the feed needs them); the engine's
        # own URL is ``engine.url``. ``application_name`` names this PC's connections in
        # pg_stat_activity; ``engine`` shares a connection made elsewhere (the feed's).
        self.url = database_url(url)
        self.application_name = application_name
        self.engine = engine if engine is not None else make_engine(self.url, application_name)
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
        # SQLite: the clerk's fast path keeps its connections checked out between
        # transactions (``driver_write``): the pool's check-out and check-in (its reset,
        # events and bookkeeping) were an eighth of a clerk cycle's CPU, on a PC where
        # 20 counters' processes share two cores.
        self._driver_free: list[PoolProxiedConnection] = []

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

    @contextmanager
    def driver_write(self) -> Iterator[DriverWrite]:
        """SQLite only: one ``BEGIN IMMEDIATE`` transaction on the driver's own
        connection, in this file's writer turn (``loket.write_queue``), for the clerk's
        fast path (``loket.clerk_sql``). SQLite lets one writer in at a time, so every
        microsecond spent inside is spent by every counter waiting: statements go
        straight to ``sqlite3`` without the ORM's work per statement. Events recorded
        with ``DriverWrite.log`` reach the log after the commit; trouble becomes
        ``Unavailable`` as in ``write``."""
        from contextlib import nullcontext

        from sqlalchemy.exc import DBAPIError

        if not self.is_sqlite:
            raise TypeError("driver_write is for SQLite")
        try:
            # The connection is taken before the turn and given back after it: the
            # pool's work (and its idle ping) is nobody else's wait. One this process
            # used before, when free (``pop`` and ``append`` are atomic: no lock).
            free = self._driver_free
            pooled = free.pop() if free else self.engine.raw_connection()
            clean = False
            conn: sqlite3.Connection | None = None
            try:
                conn = pooled.driver_connection
                assert isinstance(conn, sqlite3.Connection)
                write = DriverWrite(conn)
                wal = _open_wal(conn, pooled.info)
                try:
                    with self._queue.turn() if self._queue is not None else nullcontext():
                        conn.execute("BEGIN IMMEDIATE")
                        try:
                            yield write
                            conn.execute("COMMIT")
                        except BaseException:
                            if conn.in_transaction:
                                conn.execute("ROLLBACK")
                            raise
                    if wal is not None:
                        try:
                            _sync(wal)
                        except OSError as exc:
                            raise sqlite3.OperationalError("disk I/O error") from exc
                finally:
                    if wal is not None:
                        os.close(wal)
                        conn.execute("PRAGMA synchronous=FULL")
                clean = True
            except sqlite3.Error:
                pooled.invalidate()  # not handed out again
                raise
            except BaseException:
                # Refused by the caller (rolled back above): the connection is as good.
                clean = conn is not None and not conn.in_transaction
                raise
            finally:
                if clean:
                    free.append(pooled)
                elif pooled.is_valid:
                    pooled.close()
        except sqlite3.Error as exc:
            wrapped = DBAPIError.instance(None, None, exc, sqlite3.Error)
            raise unavailable(wrapped) from exc
        except SQLAlchemyError as exc:  # the pool could not connect
            raise unavailable(exc) from exc
        from loket import events, logging_setup

        for event_id, columns in write.logged:
            logging_setup.log_committed(events.logged(event_id, **columns))

    def on_engine(self, engine: Engine) -> Database:
        """The same database over another engine (``FeedService.reading_through``)."""
        return Database(self.url, application_name=self.application_name, engine=engine)

    def dispose(self) -> None:
        while self._driver_free:
            self._driver_free.pop().close()
        self.engine.dispose()
