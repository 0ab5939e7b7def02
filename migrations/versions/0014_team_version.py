"""care teams: a version, for editing the care question

The care question and the kind of care are edited in a form (/teams/<id>/care-question); like the person's record,
the team is versioned so that an edit made on an older version is refused instead of overwriting a newer one.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing teams start at version 1, as a new row does (SQLAlchemy's version counter).
    op.add_column('care_teams', sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    op.drop_column('care_teams', 'version')
