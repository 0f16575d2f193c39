"""Week counts for /coach/bereik that survive the intakes: reach_counts (intakes by week, team, language,
channel and answer), conversation_counts (the assistant's anonymous counters), counter_batches (their
webhook-ids, against double counting) and the funnel stages already counted for each intake.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reach_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("team", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week", "team", "language", "channel", "measure", "value", name="uq_reach_cell"),
    )
    with op.batch_alter_table("reach_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reach_counts_week"), ["week"], unique=False)
        batch_op.create_index("ix_reach_counts_measure_week", ["measure", "week"], unique=False)
    op.create_table(
        "conversation_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week", "event", "question", "language", "channel", name="uq_conversation_cell"),
    )
    with op.batch_alter_table("conversation_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_counts_week"), ["week"], unique=False)
    op.create_table(
        "counter_batches",
        sa.Column("webhook_id", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("webhook_id"),
    )
    with op.batch_alter_table("counter_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counter_batches_received_at"), ["received_at"], unique=False)
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stages_counted", sa.String(length=32), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_column("stages_counted")
    op.drop_table("counter_batches")
    op.drop_table("conversation_counts")
    op.drop_table("reach_counts")
