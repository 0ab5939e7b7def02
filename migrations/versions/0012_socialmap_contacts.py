"""social map, round two: contact persons of organisations, proposals of new organisations, members' proposal

Contacts and proposals hold no data about a person (work contact details published in the directory; an
organisation's name): clear columns, no sealed() checks.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organisation_contacts',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('discipline', sa.String(length=32), nullable=True),
    sa.Column('function', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('reachability', sa.String(length=500), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_contacts_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_contacts'))
    )
    with op.batch_alter_table('organisation_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_contacts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('organisation_proposals',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('proposed_by_id', sa.Uuid(), nullable=True),
    sa.Column('proposed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Uuid(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_organisation_proposals_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_proposals_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_organisation_proposals_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_proposals'))
    )
    with op.batch_alter_table('organisation_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_proposals_status'), ['status'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposal_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_members_proposal_id_organisation_proposals'), 'organisation_proposals', ['proposal_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_members_proposal_id_organisation_proposals'), type_='foreignkey')
        batch_op.drop_column('proposal_id')

    with op.batch_alter_table('organisation_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_proposals_status'))

    op.drop_table('organisation_proposals')
    with op.batch_alter_table('organisation_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_contacts_organisation_id'))

    op.drop_table('organisation_contacts')
