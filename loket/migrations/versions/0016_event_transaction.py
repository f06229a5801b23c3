"""event.xact (PostgreSQL): the transaction that wrote the event, to tell which
events a reader has not seen yet

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

Each kiosk keeps the branch's waiting list and reads only the tickets named by the
events it has not seen (``loket.waiting_list_pg``). Event ids come from a sequence and
can commit out of order, so "ids above the last one seen" would miss one; the writing
transaction's id, compared with the snapshot of the last read, does not. Rows written
before this revision keep NULL: they were all seen by any later read.

SQLite needs nothing: its writers take turns, so its ids commit in order
(``loket.waiting_list``).
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Nullable without a default first, so the old rows are not rewritten; the default
    # then fills every new one, whichever statement or function inserts it.
    op.execute("ALTER TABLE event ADD COLUMN xact xid8")
    op.execute("ALTER TABLE event ALTER COLUMN xact SET DEFAULT pg_current_xact_id()")
    op.execute("CREATE INDEX ix_event_xact ON event (xact)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_event_xact")
    op.execute("ALTER TABLE event DROP COLUMN xact")
