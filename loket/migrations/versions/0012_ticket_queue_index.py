"""ticket: an index on the waiting queue, in the order "call next" reads it

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02

``loket.clerk_sql`` asks, per service, for the head of the waiting queue; with this
index that is a short index scan instead of reading every waiting ticket of the day.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_ticket_queue", "ticket", ["branch_id", "day", "status", "service_id", "wait_from"]
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_queue", table_name="ticket")
