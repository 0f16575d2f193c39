"""The keyed hash of a v3 intake's status code, for the "what happens now?" lookup (null for v1 and v2).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-13
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_code_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_column("status_code_hash")
