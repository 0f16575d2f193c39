"""No stored counter of hand-offs: a handed-off conversation is an intake, and a conversation_counts cell of 1 to 4
hand-offs (week, language, channel) would outlive the erasure of that intake. The page takes "intake sent" from the
intakes' week counts (reach_counts, no cell under K); the stored hand-off counters are deleted, and the coach
service no longer stores new ones (coach/reach/counters.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM conversation_counts WHERE event = 'handed_off'")


def downgrade() -> None:
    pass  # the deleted counters cannot come back
