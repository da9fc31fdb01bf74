"""Off-hours tickets: handoff kind, ticket number, promised reply time, ticket number sequence.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_numbers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("handoff_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handoff_id"),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="live", nullable=False))
        batch_op.add_column(sa.Column("ticket", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint("uq_handoffs_ticket", ["ticket"])


def downgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_constraint("uq_handoffs_ticket", type_="unique")
        batch_op.drop_column("due_at")
        batch_op.drop_column("ticket")
        batch_op.drop_column("kind")
    op.drop_table("ticket_numbers")
