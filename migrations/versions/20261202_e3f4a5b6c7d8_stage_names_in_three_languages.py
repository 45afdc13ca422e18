"""stage names in three languages: `name` (English) gains `name_ru` and `name_kk`

The default stages get their Russian and Kazakh names where an administrator has not
renamed them; a stage without a name in a language shows its English one.

Revision ID: e3f4a5b6c7d8
Revises: d2e3f4a5b6c7
Create Date: 2026-12-02 17:50:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e3f4a5b6c7d8'
down_revision = 'd2e3f4a5b6c7'
branch_labels = None
depends_on = None

# (key, English name as seeded, Russian, Kazakh): as crm.models.DEFAULT_STAGES on this date
DEFAULT_NAMES = (
    ("lead", "Lead", "Лид", "Лид"),
    ("contacted", "Contacted", "Контакт установлен", "Байланыс орнатылды"),
    ("negotiating", "Negotiating", "Переговоры", "Келіссөздер"),
    ("mou_signed", "MoU signed", "Меморандум подписан", "Меморандумға қол қойылды"),
    ("development", "Development", "Разработка", "Әзірлеу"),
    ("financing", "Financing", "Финансирование", "Қаржыландыру"),
    ("pre_production", "Pre-production", "Подготовительный период", "Дайындық кезеңі"),
    ("shooting", "Shooting", "Съёмки", "Түсірілім"),
    ("post_production", "Post-production", "Постпродакшн", "Постпродакшн"),
    ("delivered", "Delivered", "Сдан", "Тапсырылды"),
)


def upgrade():
    op.add_column('pipeline_stages', sa.Column('name_ru', sa.String(length=80), nullable=True))
    op.add_column('pipeline_stages', sa.Column('name_kk', sa.String(length=80), nullable=True))
    stages = sa.table('pipeline_stages', sa.column('key', sa.String), sa.column('name', sa.String),
                      sa.column('name_ru', sa.String), sa.column('name_kk', sa.String))
    for key, english, russian, kazakh in DEFAULT_NAMES:
        op.execute(stages.update()
                   .where(stages.c.key == key, stages.c.name == english)
                   .values(name_ru=russian, name_kk=kazakh))


def downgrade():
    with op.batch_alter_table('pipeline_stages') as batch_op:
        batch_op.drop_column('name_kk')
        batch_op.drop_column('name_ru')
