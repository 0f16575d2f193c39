"""No stored cell of one: reach_pending holds an intake's 1 in a week-count cell until the cell holds K = 5
intakes (coach/reach/release.py); reach_counts keeps only cells of 5 or more.

Cells of 1 to 4 already in reach_counts (0006 was never released, so only on development and test databases) are
deleted: they name no intake, so there is nothing to attach them to in reach_pending, and keeping them is what
this revision is against. Those cells showed "<5" on the page; they are gone from it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reach_pending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("team", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "intake_id", "week", "team", "language", "channel", "measure", "value", name="uq_reach_pending"
        ),
    )
    with op.batch_alter_table("reach_pending", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reach_pending_intake_id"), ["intake_id"], unique=False)
        batch_op.create_index(
            "ix_reach_pending_cell", ["measure", "week", "team", "language", "channel", "value"], unique=False
        )
    # Cells of one to four intakes: nothing to attach them to (no intake id), so they go (see the docstring).
    op.execute("DELETE FROM reach_counts WHERE n < 5")


def downgrade() -> None:
    op.drop_table("reach_pending")
