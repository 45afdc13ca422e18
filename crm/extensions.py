"""Extension objects, created here and bound to the app in `create_app`."""
from flask import Flask
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
bootstrap = Bootstrap5()


def init_migrate(app: Flask):
    """Flask-Migrate (Alembic) for `app`, set up when migrations are first needed: by a
    `flask db …` command (crm.cli.MigrationCommands), the tests or the benchmark. The web
    workers never import Alembic, which is 11 MB in every worker."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        from crm.notes import outside_the_models
        Migrate(app, db, compare_type=True, render_as_batch=True,
                include_name=outside_the_models)
    return app.extensions["migrate"]
