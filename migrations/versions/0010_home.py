"""home screen: indexes for a member's last visit to each team and for a team's changes since then

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain CREATE INDEX (no batch mode): the audit table keeps its append-only triggers.
    op.create_index('ix_audit_events_actor_team_seq', 'audit_events', ['actor_id', 'team_id', 'seq'], unique=False)
    op.create_index('ix_audit_events_team_seq', 'audit_events', ['team_id', 'seq'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_events_team_seq', table_name='audit_events')
    op.drop_index('ix_audit_events_actor_team_seq', table_name='audit_events')
