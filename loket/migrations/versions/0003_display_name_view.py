"""display_name view: the one window on residents' names a public screen may use

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-24

The waiting-room display's PostgreSQL role has no SELECT on ``appointment.name``
(loket/db_roles.py). It reads the name through this view instead, which shows a name
only for visitors who chose to be called by name. A view runs with its owner's
rights, so the display needs SELECT on the view only. ``security_barrier`` keeps the
planner from running a caller's functions on rows the WHERE clause filters out.

PostgreSQL only: SQLite has no roles, and a view on ``appointment`` would break later
batch migrations of that table on SQLite (the table is dropped and renamed in them).
A later migration that drops or retypes ``appointment.name`` or ``call_by_name`` on
PostgreSQL must drop and recreate this view.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE VIEW display_name WITH (security_barrier = true) AS "
        "SELECT id AS appointment_id, name FROM appointment "
        "WHERE call_by_name AND name IS NOT NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP VIEW IF EXISTS display_name")
