"""Single-use Sign-In with Ethereum nonces: issued by GET /api/v1/siwe/nonce, consumed (deleted) by the
one sign-in that carries them, so a signed sign-in cannot be replayed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-09
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_siwe_nonces",
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("issued_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index("ix_service_siwe_nonces_expires", "service_siwe_nonces", ["expires_at"])


def downgrade() -> None:
    op.drop_table("service_siwe_nonces")
