"""social map: the directory of organisations and their services, referrals, zone staff, members' organisation

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def sealed(table: str, column: str) -> sa.CheckConstraint:
    """The database refuses a value that does not start with the encryption format's version byte."""
    if op.get_bind().dialect.name == "postgresql":
        expression = f"get_byte({column}, 0) = 1"
    else:
        expression = f"substr({column}, 1, 1) = X'01'"
    return sa.CheckConstraint(expression, name=op.f(f"ck_{table}_{column}_sealed"))


def upgrade() -> None:
    op.create_table('organisations',
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('external_id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('postcode', sa.String(length=4), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('languages', sa.String(length=60), nullable=False),
    sa.Column('last_checked', sa.Date(), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('source', 'external_id', name=op.f('uq_organisations_source_external_id'))
    )
    op.create_table('services',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('need', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('postcodes', sa.String(length=1000), nullable=False),
    sa.Column('waiting_weeks', sa.Integer(), nullable=True),
    sa.Column('waiting_list', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_services_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('organisation_id', 'need', name=op.f('uq_services_organisation_id_need'))
    )
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_services_need'), ['need'], unique=False)
        batch_op.create_index(batch_op.f('ix_services_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('referrals',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('asked_on', sa.Date(), nullable=False),
    sa.Column('waitlisted_on', sa.Date(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('stopped_on', sa.Date(), nullable=True),
    sa.Column('referred_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('need', sa.LargeBinary(), nullable=True),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sealed('referrals', 'need'),
    sealed('referrals', 'note'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_referrals_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_referrals_person_id_persons')),
    sa.ForeignKeyConstraint(['referred_by_id'], ['members.id'], name=op.f('fk_referrals_referred_by_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_referrals_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_team_id'), ['team_id'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_members_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zone_staff', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('zone_staff')

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_members_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_team_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_organisation_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_services_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_services_need'))

    op.drop_table('services')
    op.drop_table('organisations')
