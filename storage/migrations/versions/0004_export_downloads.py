"""Files kept for minutes under one-time secrets: export download links and held imports.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:21:03.515244
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_downloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"], ["boards.id"], name=op.f("fk_export_downloads_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_downloads")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_export_downloads_token_hash")),
    )
    with op.batch_alter_table("export_downloads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_export_downloads_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("export_downloads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_downloads_expires_at"))

    op.drop_table("export_downloads")
