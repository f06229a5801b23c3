"""EventFeed: every PC learns of every change at once.

PostgreSQL: the writing transaction does ``pg_notify`` (``loket.events``); the feed
``LISTEN``s and wakes at once. SQLite: a cheap poll of ``PRAGMA data_version`` on one
connection, reading the log only when another connection has committed.

Either way the feed hands out every event once: it remembers what it delivered and,
after a lost connection or a database restart, reconnects by itself and catches up
from there. Events come in commit order, which on PostgreSQL is not always id order;
the feed waits for ids still missing below the newest it saw (see ``_FeedBase``).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from typing import Any, Protocol

import psycopg
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from loket import config_cache
from loket.config_cache import CONFIG_EVENTS
from loket.db import database_url, endpoints
from loket.events import EVENT_COLUMNS, NOTIFY_CHANNEL, EventRecord, event_record, record_of
from loket.models import Event

log = logging.getLogger(__name__)
BATCH = 500


class EventFeed(Protocol):
    last_id: int
    # False from a lost connection until the feed has read the log again: a screen
    # shows it after a few seconds (kiosk.live_feed, the display's marker).
    healthy: bool
    # On PostgreSQL its one connection (the listener): see FeedService.reading_through.
    engine: Engine

    def wait(self, timeout: float) -> list[EventRecord]:
        """New events since the last call, waiting at most ``timeout`` seconds for one."""

    def close(self) -> None: ...


class _FeedBase:
    """Hands out each event once, whatever order concurrent writers commit in.

    On PostgreSQL two transactions may draw event ids 7 and 8 and commit 8 first; a
    reader that jumped past 7 would miss it. So the feed keeps a low-water mark
    (``last_id``: everything at or below it is handled) plus the ids above it it has
    already delivered, and waits for a missing id until ``GAP_TIMEOUT``: after that the
    id belonged to a rolled-back transaction (sequences never give an id back).
    """

    GAP_TIMEOUT = 60.0

    def __init__(self, engine: Engine, last_id: int | None) -> None:
        self.engine = engine
        self.healthy = True
        self.last_id = self._max_id() if last_id is None else last_id
        self._delivered: set[int] = set()
        self._missing_since: dict[int, float] = {}

    def wait(self, timeout: float) -> list[EventRecord]:
        raise NotImplementedError

    def _max_id(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM event")).scalar_one())

    def _fetch(self) -> list[EventRecord]:
        from sqlalchemy.orm import Session

        with Session(self.engine) as session:
            rows = session.scalars(
                select(Event)
                .where(Event.id > self.last_id)
                .order_by(Event.id)
                .limit(BATCH + len(self._delivered))
            )
            records = [event_record(e) for e in rows if e.id not in self._delivered]
        if any(r["kind"] in CONFIG_EVENTS for r in records):
            config_cache.invalidate(self.engine.url)
        self._advance([r["id"] for r in records])
        return records

    def _advance(self, new_ids: list[int]) -> None:
        self._delivered.update(new_ids)
        if not self._delivered:
            return
        now = time.monotonic()
        top = max(self._delivered)
        for gap in range(self.last_id + 1, top):
            if gap not in self._delivered:
                self._missing_since.setdefault(gap, now)
        while True:
            following = self.last_id + 1
            if following in self._delivered:
                self._delivered.discard(following)
            elif now - self._missing_since.get(following, now) >= self.GAP_TIMEOUT:
                log.info("event id %d never committed; skipping it", following)
            else:
                break
            self._missing_since.pop(following, None)
            self.last_id = following

    def close(self) -> None:
        self.engine.dispose()

    def follow(self, poll: float = 1.0) -> Iterator[EventRecord]:
        while True:
            yield from self.wait(poll)


class SqliteFeed(_FeedBase):
    def __init__(self, url: str, last_id: int | None = None, interval: float = 0.05) -> None:
        engine = create_engine(url, connect_args={"timeout": 30})
        super().__init__(engine, last_id)
        self.interval = interval
        # A connection of its own: data_version only moves for other connections' commits.
        self._conn = sqlite3.connect(make_url(url).database or ":memory:", timeout=30)
        self._version: int | None = None

    def _data_version(self) -> int:
        # Changes whenever another connection commits; costs no disk read.
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> list[EventRecord]:
        deadline = time.monotonic() + timeout
        while True:
            version = self._data_version()
            if version != self._version:
                self._version = version
                records = self._fetch()
                if records:
                    return records
            if time.monotonic() >= deadline:
                return []
            time.sleep(self.interval)

    def close(self) -> None:
        self._conn.close()
        super().close()


class PostgresFeed(_FeedBase):
    """LISTENs and reads the log on one connection (autocommit, so it may sit idle):
    one PostgreSQL connection per feed. Through PgBouncer it needs session pooling
    (docs/architecture.md, "Connection budget"): the URL's ``loket_feed_database``
    names that alias.

    ``engine`` runs on that same connection (a pool of one that hands out the listener):
    a screen that reads what it shows through it, in the feed's thread, holds one
    connection in all (``FeedService.reading_through``). Its reads are autocommit, one
    snapshot per statement.
    """

    def __init__(
        self, url: str, last_id: int | None = None, application_name: str | None = None
    ) -> None:
        ends = endpoints(url)
        sa_url = make_url(ends.feed)
        extra = {k: str(v) for k, v in sa_url.query.items()}
        if application_name:
            extra["application_name"] = application_name[:63]
        self._conninfo = psycopg.conninfo.make_conninfo(
            host=sa_url.host or "",
            port=sa_url.port or 5432,
            dbname=sa_url.database or "",
            user=sa_url.username or "",
            password=sa_url.password or "",
            **extra,
        )
        self._listener: psycopg.Connection[Any] | None = None
        self._backoff = 0.2
        # Named by the engine's URL (the configuration cache's key), connected to the
        # listener: every query of the feed and of a screen reading through it runs there.
        super().__init__(
            create_engine(
                ends.engine, creator=self._listen, poolclass=StaticPool, hide_parameters=True
            ),
            last_id,
        )

    def _max_id(self) -> int:
        row = self._listen().execute("SELECT COALESCE(MAX(id), 0) FROM event").fetchone()
        return int(row[0]) if row else 0

    def _fetch(self) -> list[EventRecord]:
        rows = self._listen().execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM event WHERE id > %s ORDER BY id LIMIT %s",
            (self.last_id, BATCH + len(self._delivered)),
        )
        records = [record_of(r) for r in rows if r[0] not in self._delivered]
        if any(r["kind"] in CONFIG_EVENTS for r in records):
            config_cache.invalidate(self.engine.url)
        self._advance([r["id"] for r in records])
        self.healthy = True
        return records

    def _listen(self) -> psycopg.Connection[Any]:
        if self._listener is None or self._listener.closed:
            conn = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._listener = conn
            self._backoff = 0.2
        return self._listener

    def wait(self, timeout: float) -> list[EventRecord]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                listener = self._listen()
                # Listening first, then reading, so nothing committed in between is lost.
                records = self._fetch()
                if records:
                    return records
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                for _ in listener.notifies(timeout=remaining, stop_after=1):
                    break
                records = self._fetch()
                if records or time.monotonic() >= deadline:
                    return records
            except (psycopg.OperationalError, OSError) as exc:
                self._drop(exc)
                if time.monotonic() >= deadline:
                    return []
                time.sleep(min(self._backoff, max(0.0, deadline - time.monotonic())))
                self._backoff = min(self._backoff * 2, 5.0)
            except Exception as exc:  # SQLAlchemy wraps the same failures
                if "connection" not in str(exc).lower() and "server" not in str(exc).lower():
                    raise
                self._drop(exc)
                if time.monotonic() >= deadline:
                    return []
                time.sleep(min(self._backoff, max(0.0, deadline - time.monotonic())))
                self._backoff = min(self._backoff * 2, 5.0)

    def _drop(self, exc: Exception) -> None:
        log.warning("event feed lost its connection, reconnecting: %s", type(exc).__name__)
        self.healthy = False
        if self._listener is not None:
            with contextlib.suppress(Exception):  # already broken
                self._listener.close()
        self._listener = None
        self.engine.dispose()  # its pool of one held the old listener

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        super().close()


def open_feed(
    url: str | None = None, last_id: int | None = None, application_name: str | None = None
) -> EventFeed:
    """The feed for this database; ``last_id`` None starts at the newest event."""
    resolved = database_url(url)
    if resolved.startswith("postgresql"):
        return PostgresFeed(resolved, last_id, application_name)
    return SqliteFeed(resolved, last_id)
