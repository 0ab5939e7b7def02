"""meetings: MDO meetings with invitees, attendance and feedback; reminders sent; calendar feeds; the meeting
of agreements and goal evaluations as foreign keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0005'
down_revision = '0004'
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
    op.create_table('calendar_feeds',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )
    op.create_table('meetings',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('starts_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Uuid(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('next_meeting_id', sa.Uuid(), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('place', sa.LargeBinary(), nullable=True),
    sa.Column('video_link', sa.LargeBinary(), nullable=True),
    sa.Column('agenda', sa.LargeBinary(), nullable=True),
    sa.Column('minutes', sa.LargeBinary(), nullable=True),
    sa.Column('facts', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sealed('meetings', 'agenda'),
    sealed('meetings', 'facts'),
    sealed('meetings', 'minutes'),
    sealed('meetings', 'place'),
    sealed('meetings', 'video_link'),
    sa.ForeignKeyConstraint(['created_by_id'], ['members.id'], name=op.f('fk_meetings_created_by_id_members')),
    sa.ForeignKeyConstraint(['next_meeting_id'], ['meetings.id'], name=op.f('fk_meetings_next_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['organiser_id'], ['members.id'], name=op.f('fk_meetings_organiser_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_meetings_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_meetings_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_team_id'), ['team_id'], unique=False)

    op.create_table('sent_reminders',
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('object_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('for_date', sa.Date(), nullable=False),
    sa.Column('sent_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_sent_reminders_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminders')),
    sa.UniqueConstraint('kind', 'object_id', 'member_id', 'for_date', name=op.f('uq_sent_reminders_kind'))
    )
    with op.batch_alter_table('sent_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_reminders_member_id'), ['member_id'], unique=False)

    op.create_table('meeting_feedback',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('answered_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('helped', sa.LargeBinary(), nullable=True),
    sa.Column('change', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sealed('meeting_feedback', 'change'),
    sealed('meeting_feedback', 'helped'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_feedback_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_meeting_feedback_member_id_members')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_meeting_feedback_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_feedback')),
    sa.UniqueConstraint('meeting_id', 'member_id', name=op.f('uq_meeting_feedback_meeting_id'))
    )
    with op.batch_alter_table('meeting_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_feedback_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_invitees',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('response', sa.String(length=16), nullable=False),
    sa.Column('joins', sa.String(length=12), nullable=True),
    sa.Column('attendance', sa.String(length=12), nullable=True),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_invitees_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_meeting_invitees_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_invitees')),
    sa.UniqueConstraint('meeting_id', 'member_id', name=op.f('uq_meeting_invitees_meeting_id'))
    )
    with op.batch_alter_table('meeting_invitees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_invitees_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_invitees_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agreements_meeting_id_meetings'), 'meetings', ['meeting_id'], ['id'])

    with op.batch_alter_table('goal_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_evaluations_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_goal_evaluations_meeting_id_meetings'), 'meetings', ['meeting_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('goal_evaluations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_goal_evaluations_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_goal_evaluations_meeting_id'))

    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agreements_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agreements_meeting_id'))

    with op.batch_alter_table('meeting_invitees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_invitees_member_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_invitees_meeting_id'))

    op.drop_table('meeting_invitees')
    with op.batch_alter_table('meeting_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_feedback_meeting_id'))

    op.drop_table('meeting_feedback')
    with op.batch_alter_table('sent_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_reminders_member_id'))

    op.drop_table('sent_reminders')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_team_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_starts_at'))

    op.drop_table('meetings')
    op.drop_table('calendar_feeds')
