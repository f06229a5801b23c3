"""The municipality's time zone

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Every PC computed "now" in its own zone: a PC on UTC said "open until 16:30" while one on
Europe/Amsterdam said "closed". The zone becomes a setting of the municipality; stored
times stay wall-clock times in that zone (docs/architecture.md, "Time").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(
            sa.Column(
                "time_zone", sa.String(length=64), nullable=False, server_default="Europe/Amsterdam"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("time_zone")
