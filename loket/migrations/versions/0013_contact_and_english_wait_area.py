"""municipality.phone and .website (how to cancel, in letters and e-mails);
branch.wait_area_en (where to wait, for English visitors: screen and ticket)

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(
            sa.Column("phone", sa.String(length=40), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("website", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("branch") as batch:
        batch.add_column(
            sa.Column("wait_area_en", sa.String(length=120), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("branch") as batch:
        batch.drop_column("wait_area_en")
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("website")
        batch.drop_column("phone")
