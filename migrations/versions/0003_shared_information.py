"""shared information: consent per member and category, the information items, team messages, agreements

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0003'
down_revision = '0002'
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
    op.create_table('category_settings',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('professionals_only', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_category_settings_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_settings')),
    sa.UniqueConstraint('team_id', 'category', name=op.f('uq_category_settings_team_id'))
    )
    with op.batch_alter_table('category_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_settings_team_id'), ['team_id'], unique=False)

    op.create_table('consent_events',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('change', sa.String(length=24), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('method', sa.String(length=24), nullable=False),
    sa.Column('changed_by_id', sa.Uuid(), nullable=True),
    sa.Column('changed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sealed('consent_events', 'note'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['members.id'], name=op.f('fk_consent_events_changed_by_id_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_consent_events_member_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_consent_events_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_consent_events_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_events'))
    )
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_events_team_id'), ['team_id'], unique=False)

    op.create_table('consent_grants',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('changed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_consent_grants_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_consent_grants_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_grants')),
    sa.UniqueConstraint('member_id', 'category', name=op.f('uq_consent_grants_member_id'))
    )
    with op.batch_alter_table('consent_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_grants_team_id'), ['team_id'], unique=False)

    op.create_table('info_items',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sealed('info_items', 'data'),
    sa.ForeignKeyConstraint(['created_by_id'], ['members.id'], name=op.f('fk_info_items_created_by_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_info_items_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_info_items_team_id_care_teams')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['members.id'], name=op.f('fk_info_items_updated_by_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_info_items'))
    )
    with op.batch_alter_table('info_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_info_items_team_id'), ['team_id'], unique=False)

    op.create_table('message_reads',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('read_up_to', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_message_reads_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_reads')),
    sa.UniqueConstraint('member_id', name=op.f('uq_message_reads_member_id'))
    )
    op.create_table('messages',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('posted_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sealed('messages', 'body'),
    sa.ForeignKeyConstraint(['author_id'], ['members.id'], name=op.f('fk_messages_author_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_messages_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_messages_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_posted_at'), ['posted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_team_id'), ['team_id'], unique=False)

    op.create_table('agreements',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('recurrence', sa.String(length=12), nullable=False),
    sa.Column('care_goal_id', sa.Uuid(), nullable=True),
    sa.Column('meeting_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('what', sa.LargeBinary(), nullable=True),
    sa.Column('remark', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sealed('agreements', 'remark'),
    sealed('agreements', 'what'),
    sa.ForeignKeyConstraint(['care_goal_id'], ['care_goals.id'], name=op.f('fk_agreements_care_goal_id_care_goals')),
    sa.ForeignKeyConstraint(['created_by_id'], ['members.id'], name=op.f('fk_agreements_created_by_id_members')),
    sa.ForeignKeyConstraint(['owner_id'], ['members.id'], name=op.f('fk_agreements_owner_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_agreements_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_agreements_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements'))
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_team_id'), ['team_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_team_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_owner_id'))

    op.drop_table('agreements')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_team_id'))
        batch_op.drop_index(batch_op.f('ix_messages_posted_at'))

    op.drop_table('messages')
    op.drop_table('message_reads')
    with op.batch_alter_table('info_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_info_items_team_id'))

    op.drop_table('info_items')
    with op.batch_alter_table('consent_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_grants_team_id'))

    op.drop_table('consent_grants')
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_events_team_id'))

    op.drop_table('consent_events')
    with op.batch_alter_table('category_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_settings_team_id'))

    op.drop_table('category_settings')
