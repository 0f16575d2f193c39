"""Failed logins and wrong status codes in the database, so that every worker counts them (keyed hashes only).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-20
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("failed_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_failed_attempts_at"), ["at"], unique=False)
        batch_op.create_index("ix_failed_attempts_kind_key", ["kind", "key_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("failed_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_failed_attempts_kind_key")
        batch_op.drop_index(batch_op.f("ix_failed_attempts_at"))
    op.drop_table("failed_attempts")
