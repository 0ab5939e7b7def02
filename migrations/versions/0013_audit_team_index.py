"""audit trail: drop the single-column index on team_id

`ix_audit_events_team_seq` (team_id, seq), added for the home screen in 0010, serves every lookup by team the
old index served; the old one only cost a write on every audit entry, and nearly every request writes one.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_audit_events_team_id', table_name='audit_events')


def downgrade() -> None:
    op.create_index('ix_audit_events_team_id', 'audit_events', ['team_id'], unique=False)
