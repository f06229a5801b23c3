"""municipality.dispatch_policy: the live "call next" policy, chosen in the file

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

``[municipality] dispatch_policy`` names one of ``loket.dispatch_policies.LIVE_POLICIES``
("loket", the norm-aware dispatcher, stays the default for existing databases).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(
            sa.Column(
                "dispatch_policy", sa.String(length=40), nullable=False, server_default="loket"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("dispatch_policy")
