"""ticket: a counter holds one ticket at a time (a unique index); an index on the
waiting appointments

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

"Call next" on PostgreSQL is one statement (``loket.clerk_sql``): it checks that the
counter holds nothing in the snapshot it started with. Two clerks calling at one counter
at the same moment would each see it free; this index makes the second call fail
instead of giving the counter two tickets. Per day, as the engine's own check: a ticket
left called on an earlier day does not block the counter.

``ix_ticket_appointments`` serves the heads "due appointment waiting longest" and "due
soonest": without it each read every waiting ticket of the service (at 5,000 waiting a
call took three times the raw cycle).

A database that already has two held tickets at one counter on one day (it cannot
happen through Loket; a hand edit could) keeps the most recently called one; the
others are parked, with a note, so a clerk finds and calls them again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

HELD = "status IN ('called', 'serving')"


def upgrade() -> None:
    bind = op.get_bind()
    extra = bind.execute(
        sa.text(
            f"""SELECT t.id FROM ticket t
            WHERE t.counter_id IS NOT NULL AND t.{HELD}
              AND EXISTS (SELECT 1 FROM ticket n
                          WHERE n.counter_id = t.counter_id AND n.day = t.day
                            AND n.{HELD}
                            AND (COALESCE(n.last_called_at, n.issued_at)
                                   > COALESCE(t.last_called_at, t.issued_at)
                                 OR (COALESCE(n.last_called_at, n.issued_at)
                                       = COALESCE(t.last_called_at, t.issued_at)
                                     AND n.id > t.id)))"""
        )
    ).scalars()
    for ticket_id in list(extra):
        bind.execute(
            sa.text("UPDATE ticket SET status = 'parked', transfer_note = :note WHERE id = :id"),
            {"id": ticket_id, "note": "Geparkeerd bij de update: de balie had twee nummers."},
        )
    op.create_index(
        "uq_ticket_counter_holds_one",
        "ticket",
        ["counter_id", "day"],
        unique=True,
        postgresql_where=sa.text(HELD),
        sqlite_where=sa.text(HELD),
    )

    op.create_index(
        "ix_ticket_appointments",
        "ticket",
        ["branch_id", "day", "status", "service_id", "appointment_at"],
        postgresql_where=sa.text("kind = 'appointment'"),
        sqlite_where=sa.text("kind = 'appointment'"),
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_appointments", table_name="ticket")
    op.drop_index("uq_ticket_counter_holds_one", table_name="ticket")
