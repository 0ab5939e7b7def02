"""rectification and restriction: previous versions of corrected values (encrypted), restricted records

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0006'
down_revision = '0005'
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
    op.create_table('revisions',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('record_version', sa.Integer(), nullable=True),
    sa.Column('replaced_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('replaced_by_id', sa.Uuid(), nullable=True),
    sa.Column('value', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sealed('revisions', 'value'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_revisions_person_id_persons')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['users.id'], name=op.f('fk_revisions_replaced_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions'))
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisions_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisions_record_id'), ['record_id'], unique=False)

    op.create_table('restrictions',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Uuid(), nullable=True),
    sa.Column('lifted_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['members.id'], name=op.f('fk_restrictions_lifted_by_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_restrictions_person_id_persons')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['members.id'], name=op.f('fk_restrictions_requested_by_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_restrictions_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restrictions'))
    )
    with op.batch_alter_table('restrictions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restrictions_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_restrictions_team_id'), ['team_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('restrictions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restrictions_team_id'))
        batch_op.drop_index(batch_op.f('ix_restrictions_record_id'))

    op.drop_table('restrictions')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisions_record_id'))
        batch_op.drop_index(batch_op.f('ix_revisions_person_id'))

    op.drop_table('revisions')
