"""team lifecycle: the care question (encrypted), simple or complex care, and closing a team (date, encrypted reason)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

ENCRYPTED = ('care_question', 'closed_reason', 'closed_note')


def sealed(table: str, column: str) -> sa.CheckConstraint:
    """The database refuses a value that does not start with the encryption format's version byte."""
    if op.get_bind().dialect.name == "postgresql":
        expression = f"get_byte({column}, 0) = 1"
    else:
        expression = f"substr({column}, 1, 1) = X'01'"
    return sa.CheckConstraint(expression, name=op.f(f"ck_{table}_{column}_sealed"))


def upgrade() -> None:
    with op.batch_alter_table('care_teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('care_level', sa.String(length=10), server_default='simple', nullable=False))
        batch_op.add_column(sa.Column('care_question', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('closed_reason', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('closed_note', sa.LargeBinary(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_care_teams_closed_by_id_users'), 'users', ['closed_by_id'],
                                    ['id'])
        for column in ENCRYPTED:
            constraint = sealed('care_teams', column)
            batch_op.create_check_constraint(constraint.name, constraint.sqltext)


def downgrade() -> None:
    with op.batch_alter_table('care_teams', schema=None) as batch_op:
        for column in ENCRYPTED:
            batch_op.drop_constraint(batch_op.f(f'ck_care_teams_{column}_sealed'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_care_teams_closed_by_id_users'), type_='foreignkey')
        for column in ('closed_note', 'closed_reason', 'closed_by_id', 'closed_on', 'care_question', 'care_level'):
            batch_op.drop_column(column)
