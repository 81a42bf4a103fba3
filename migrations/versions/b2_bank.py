"""question bank management: no schema change (the existing indexes keep a 50,000-question list fast, see bench/bank_listing.py)

Revision ID: b2_bank
Revises: 62dcec7e10d5
Create Date: 2026-12-07 10:00:00

Written by hand (other models change at the same time; autogenerate would pick them up).
"""
from alembic import op
import sqlalchemy as sa


revision = "b2_bank"
down_revision = "62dcec7e10d5"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
