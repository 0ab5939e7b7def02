"""goals: life goals, care goals with GAS evaluations, the "what matters to me" profile, positive-health scorings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0002'
down_revision = '0001'
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
    op.create_table('goal_profiles',
    sa.Column('important', sa.LargeBinary(), nullable=True),
    sa.Column('good_day', sa.LargeBinary(), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sealed('goal_profiles', 'good_day'),
    sealed('goal_profiles', 'important'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_goal_profiles_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_goal_profiles_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_profiles'))
    )
    with op.batch_alter_table('goal_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_profiles_team_id'), ['team_id'], unique=True)

    op.create_table('health_scorings',
    sa.Column('scored_on', sa.Date(), nullable=False),
    sa.Column('scored_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('scores', sa.LargeBinary(), nullable=True),
    sa.Column('remark', sa.LargeBinary(), nullable=True),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sealed('health_scorings', 'remark'),
    sealed('health_scorings', 'scores'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_health_scorings_person_id_persons')),
    sa.ForeignKeyConstraint(['scored_by_id'], ['members.id'], name=op.f('fk_health_scorings_scored_by_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_health_scorings_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_scorings'))
    )
    with op.batch_alter_table('health_scorings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_scorings_team_id'), ['team_id'], unique=False)

    op.create_table('life_goals',
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lifecycle', sa.String(length=16), nullable=False),
    sa.Column('expressed_by_id', sa.Uuid(), nullable=True),
    sa.Column('expressed_on', sa.Date(), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=True),
    sa.Column('dimension', sa.LargeBinary(), nullable=True),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sealed('life_goals', 'dimension'),
    sealed('life_goals', 'text'),
    sa.ForeignKeyConstraint(['expressed_by_id'], ['members.id'], name=op.f('fk_life_goals_expressed_by_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_life_goals_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_life_goals_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_life_goals'))
    )
    with op.batch_alter_table('life_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_life_goals_team_id'), ['team_id'], unique=False)

    op.create_table('care_goals',
    sa.Column('life_goal_id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('lifecycle', sa.String(length=16), nullable=False),
    sa.Column('achievement', sa.String(length=16), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=True),
    sa.Column('gas', sa.LargeBinary(), nullable=True),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sealed('care_goals', 'gas'),
    sealed('care_goals', 'text'),
    sa.ForeignKeyConstraint(['created_by_id'], ['members.id'], name=op.f('fk_care_goals_created_by_id_members')),
    sa.ForeignKeyConstraint(['life_goal_id'], ['life_goals.id'], name=op.f('fk_care_goals_life_goal_id_life_goals')),
    sa.ForeignKeyConstraint(['owner_id'], ['members.id'], name=op.f('fk_care_goals_owner_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_care_goals_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_care_goals_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_goals'))
    )
    with op.batch_alter_table('care_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_goals_life_goal_id'), ['life_goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_goals_team_id'), ['team_id'], unique=False)

    op.create_table('goal_evaluations',
    sa.Column('care_goal_id', sa.Uuid(), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('evaluated_by_id', sa.Uuid(), nullable=True),
    sa.Column('meeting_id', sa.Uuid(), nullable=True),
    sa.Column('achievement', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('level', sa.LargeBinary(), nullable=True),
    sa.Column('remark', sa.LargeBinary(), nullable=True),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sealed('goal_evaluations', 'level'),
    sealed('goal_evaluations', 'remark'),
    sa.ForeignKeyConstraint(['care_goal_id'], ['care_goals.id'], name=op.f('fk_goal_evaluations_care_goal_id_care_goals')),
    sa.ForeignKeyConstraint(['evaluated_by_id'], ['members.id'], name=op.f('fk_goal_evaluations_evaluated_by_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_goal_evaluations_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_goal_evaluations_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_evaluations'))
    )
    with op.batch_alter_table('goal_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_evaluations_care_goal_id'), ['care_goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_evaluations_team_id'), ['team_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('goal_evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_evaluations_team_id'))
        batch_op.drop_index(batch_op.f('ix_goal_evaluations_care_goal_id'))

    op.drop_table('goal_evaluations')
    with op.batch_alter_table('care_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_goals_team_id'))
        batch_op.drop_index(batch_op.f('ix_care_goals_life_goal_id'))

    op.drop_table('care_goals')
    with op.batch_alter_table('life_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_life_goals_team_id'))

    op.drop_table('life_goals')
    with op.batch_alter_table('health_scorings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_scorings_team_id'))

    op.drop_table('health_scorings')
    with op.batch_alter_table('goal_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_profiles_team_id'))

    op.drop_table('goal_profiles')
