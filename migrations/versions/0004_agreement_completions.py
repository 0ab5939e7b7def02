"""agreements: the history of completed occurrences (recurring tasks) and the anchor date of a recurring series

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0004'
down_revision = '0003'
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
    op.create_table('agreement_completions',
    sa.Column('agreement_id', sa.Uuid(), nullable=False),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('occurrence_on', sa.Date(), nullable=True),
    sa.Column('completed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_by_id', sa.Uuid(), nullable=True),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sealed('agreement_completions', 'note'),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_completions_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['members.id'], name=op.f('fk_agreement_completions_completed_by_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_agreement_completions_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_agreement_completions_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_completions'))
    )
    with op.batch_alter_table('agreement_completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_completions_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_completions_team_id'), ['team_id'], unique=False)

    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recurs_from', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_column('recurs_from')

    with op.batch_alter_table('agreement_completions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_completions_team_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_completions_agreement_id'))

    op.drop_table('agreement_completions')
