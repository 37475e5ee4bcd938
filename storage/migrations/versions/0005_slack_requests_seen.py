"""Signed Slack requests already let in, so a replay inside Slack's five minutes is refused.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_requests_seen",
        sa.Column("signature_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("signature_hash", name=op.f("pk_slack_requests_seen")),
    )
    with op.batch_alter_table("slack_requests_seen", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slack_requests_seen_sent_at"), ["sent_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("slack_requests_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_requests_seen_sent_at"))

    op.drop_table("slack_requests_seen")
