"""event: indexes for who sits at each counter, who logged out today, and a ticket's events

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

The live wait prediction asks, per counter, for the latest presence event of today
(a status, a call, a start, a finish, ...), and for today's logouts. Without an index
for either, both read every presence event the database ever kept (``ix_event_kind``)
and kept today's: with a month's events (100,000) issuing a ticket took 100 ms on
SQLite, 14 ms on PostgreSQL, and more every day. Now:

* ``ix_event_counter_at`` (counter, moment, id): each counter's latest event of today is
  the first one read walking back from its newest; a counter nobody used today reads
  none;
* ``ix_event_kind_at`` (kind, moment) replaces ``ix_event_kind``: today's logouts are
  one range, and every lookup by kind alone still has its index;
* ``ix_event_ticket`` (ticket): a public PC logs the events its function just wrote
  for a ticket (``loket.hall``), and read them by scanning the whole log: 6 ms of
  issuing a ticket with 100,000 events on PostgreSQL.

``loket_counter_speeds`` (migration 0010) asks the same way; its result is unchanged.
Each counter's latest presence event is asked for whenever it was, then kept if it is
of today, and the counter is written as a range of one: only the counter's own newest
entry of ``ix_event_counter_at`` then fits the order. With "today" inside, or the
counter as an equality, a plan made once for any moment (a prepared statement's, a
SQL function's) walked back through the day's events on ``ix_event_at`` instead, through
all of them for a counter nobody used (7-12 ms at 20,000 events of today).
"""

from __future__ import annotations

from alembic import op

from loket.migrations._definer import create_functions

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The kinds must match loket.live_reads.PRESENCE_KINDS.
_SPEEDS = """
CREATE OR REPLACE FUNCTION loket_counter_speeds(p_branch integer, p_since timestamp)
RETURNS TABLE (counter_id integer, service_code text, speed double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT last.counter_id, s.code::text, coalesce(k.speed, 1.0)::double precision
  FROM (
    SELECT c.id AS counter_id, e.staff_id
    FROM counter c JOIN event e ON e.id = (
      SELECT x.id FROM event x
      WHERE x.counter_id >= c.id AND x.counter_id <= c.id AND x.branch_id = p_branch
        AND x.kind IN ('staff.status', 'ticket.called', 'ticket.recalled', 'ticket.started',
                       'ticket.finished', 'ticket.no_show', 'ticket.parked',
                       'ticket.transferred')
      ORDER BY x.counter_id DESC, x.at DESC, x.id DESC LIMIT 1)
    WHERE c.branch_id = p_branch AND e.at >= p_since
  ) AS last
  JOIN staff_skill k ON k.staff_id = last.staff_id
  JOIN service s ON s.id = k.service_id
$$;
"""
FUNCTIONS = (("loket_counter_speeds(integer, timestamp)", _SPEEDS),)


def upgrade() -> None:
    op.create_index("ix_event_counter_at", "event", ["counter_id", "at", "id"])
    op.create_index("ix_event_kind_at", "event", ["kind", "at"])
    op.create_index("ix_event_ticket", "event", ["ticket_id"])
    op.drop_index("ix_event_kind", table_name="event")
    create_functions(FUNCTIONS)


def downgrade() -> None:
    # The function keeps its new body: same arguments, same answers.
    op.create_index("ix_event_kind", "event", ["kind"])
    op.drop_index("ix_event_ticket", table_name="event")
    op.drop_index("ix_event_kind_at", table_name="event")
    op.drop_index("ix_event_counter_at", table_name="event")
