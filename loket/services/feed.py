"""The event log as a live feed for screens that follow the queue."""

from __future__ import annotations

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
        return open_feed(self.db.url, last_id)

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
