"""Verified identities, one-time sign-in links, e-mail codes and push preferences.

Revision ID: 0010_identity
Revises: 0006_inbox
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa


revision = '0010_identity'
down_revision = '0008_digest'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attendant_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendant_grants')),
    sa.UniqueConstraint('kind', 'value', name=op.f('uq_attendant_grants_kind_value'))
    )
    op.create_table('email_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_email_codes_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_codes'))
    )
    with op.batch_alter_table('email_codes', schema=None) as batch_op:
        batch_op.create_index('ix_email_codes_address_created', ['address', 'created_at'], unique=False)
        batch_op.create_index('ix_email_codes_person_created', ['person_id', 'created_at'], unique=False)

    op.create_table('push_preferences',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_push_preferences_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'channel', name=op.f('pk_push_preferences'))
    )
    op.create_table('verified_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.Column('how', sa.String(length=120), nullable=False),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_verified_identities_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verified_identities')),
    sa.UniqueConstraint('kind', 'value', name=op.f('uq_verified_identities_kind_value'))
    )
    with op.batch_alter_table('verified_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verified_identities_person_id'), ['person_id'], unique=False)

    op.create_table('signin_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('channel_user_id', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], name=op.f('fk_signin_links_chat_id_chats'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_signin_links_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_links')),
    sa.UniqueConstraint('state', name=op.f('uq_signin_links_state')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_signin_links_token_hash'))
    )
    with op.batch_alter_table('signin_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signin_links_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    op.drop_table('attendant_grants')
    with op.batch_alter_table('signin_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signin_links_person_id'))

    op.drop_table('signin_links')
    with op.batch_alter_table('verified_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verified_identities_person_id'))

    op.drop_table('verified_identities')
    op.drop_table('push_preferences')
    with op.batch_alter_table('email_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_email_codes_person_created')
        batch_op.drop_index('ix_email_codes_address_created')

    op.drop_table('email_codes')
