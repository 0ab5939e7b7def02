"""message threads: a message to one chosen member (recipient), replies in the thread of a first message (parent)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_messages_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_messages_recipient_id_members'), 'members', ['recipient_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_messages_parent_id_messages'), 'messages', ['parent_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_messages_parent_id_messages'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_messages_recipient_id_members'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_messages_parent_id'))
        batch_op.drop_column('parent_id')
        batch_op.drop_column('recipient_id')
