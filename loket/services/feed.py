"""The event log as a live feed for screens that follow the queue."""

from __future__ import annotations

from typing import Self

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.events import EventRecord, event_record
from loket.feed import EventFeed, open_feed
from loket.models import Event
from loket.services.base import ServiceBase


class FeedService(ServiceBase):
    def open_feed(self, last_id: int | None = None) -> EventFeed:
        """The live event feed of this database, from ``last_id`` (None: from now on).

        Open it in the thread that reads it (an SQLite connection stays in its thread);
        ``close()`` it when done.
        """
        return open_feed(self.db.url, last_id, self.db.application_name)

    def reading_through(self, feed: EventFeed) -> Self:
        """The same services reading over ``feed``'s own connection, so a screen that
        follows the feed and reads what it shows holds one database connection (on
        PostgreSQL the listener; docs/architecture.md, "Scale"). Only in the thread that
        waits on the feed, and only for reads: they are autocommit there.
        """
        return type(self)(self.db.on_engine(feed.engine), self.clock, self.actor)

    def last_event_id(self) -> int:
        """The newest event's number (0 for an empty log): where "from now on" starts."""
        from sqlalchemy import func

        return self._read(lambda s: int(s.scalar(select(func.max(Event.id))) or 0))

    def events_after(self, last_id: int = 0, limit: int = 500) -> list[EventRecord]:
        from loket import limits

        limits.integer(last_id, "Het eventnummer")
        limits.integer(limit, "Het aantal", 1, 100_000)

        def run(session: Session) -> list[EventRecord]:
            rows = session.scalars(
                select(Event).where(Event.id > last_id).order_by(Event.id).limit(limit)
            )
            return [event_record(e) for e in rows]

        return self._read(run)
