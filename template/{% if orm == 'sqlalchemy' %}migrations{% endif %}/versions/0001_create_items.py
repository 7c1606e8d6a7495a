"""Create the items table.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("price", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        # MySQL's older servers default to latin1; items hold any Unicode text.
        mysql_charset="utf8mb4",
    )


def downgrade() -> None:
    op.drop_table("items")
