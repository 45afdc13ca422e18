"""`flask --app wsgi crm …` commands."""
from __future__ import annotations

import os
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup, ScriptInfo

from crm.errors import ValidationFailed
from crm.extensions import db, init_migrate
from crm.models import Organization, Role, fold
from crm.transactions import unit_of_work

crm_cli = AppGroup("crm", help="Co-production CRM commands.")


class MigrationCommands(click.Command):
    """`flask db …`: Flask-Migrate's own command group, imported only when it is run, so
    that serving the app never imports Alembic (see crm.extensions.init_migrate). Every
    argument, `--help` included, goes to Flask-Migrate unchanged."""

    def __init__(self) -> None:
        super().__init__("db", help="Database migrations (Flask-Migrate, Alembic).",
                         add_help_option=False,
                         context_settings={"ignore_unknown_options": True,
                                           "allow_extra_args": True})

    def invoke(self, ctx: click.Context):
        from flask_migrate.cli import db as flask_migrate_commands
        init_migrate(ctx.ensure_object(ScriptInfo).load_app())
        with flask_migrate_commands.make_context(ctx.info_name, list(ctx.args),
                                                 parent=ctx.parent) as inner:
            return flask_migrate_commands.invoke(inner)


def _fail_with(failure: ValidationFailed) -> None:
    db.session.rollback()
    for field, messages in failure.errors.items():
        for message in messages:
            click.echo(f"error: {field}: {message}", err=True)
    raise SystemExit(2)


@crm_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    """Write every row and every attachment to a new archive at PATH (while the app keeps
    serving). It holds password and token hashes: keep it as secret as the database."""
    from crm.backup import BackupError, write_backup
    try:
        manifest = write_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {sum(manifest.tables.values())} rows of {len(manifest.tables)} "
               f"tables and {len(manifest.attachments)} attachment files to {path} "
               "(readable by you only: it holds password hashes).")


@crm_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(path: Path):
    """Replace every row of the database and every attachment file with those of the
    backup at PATH. Stop the app first: it refuses while others are connected."""
    from crm.backup import BackupError, restore_backup
    try:
        result = restore_backup(path)
    except BackupError as error:
        raise click.ClickException(f"{error}") from None
    manifest = result.manifest
    click.echo(f"Restored {sum(manifest.tables.values())} rows of {len(manifest.tables)} "
               f"tables and {len(manifest.attachments)} attachment files from {path} "
               f"(backup of {manifest.created_at}).")
    if result.moved_aside:
        click.echo(f"Files the backup does not have were moved to {result.moved_aside}.")


@crm_cli.command("export-json")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_json_command(path: Path):
    """Write every table (archived rows included, no secrets) to a new JSON file, for
    reading elsewhere. Not a backup: `crm backup` is."""
    from crm.backup import BackupError, export_json
    try:
        counts = export_json(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Exported {sum(counts.values())} rows from {len(counts)} tables to {path}.")


def _organization_named(name: str) -> Organization:
    """The one organization with this name or local name, in any case and any script
    (SQLite's lower() only knows ASCII, so names are compared folded, in Python)."""
    wanted = fold(name)
    candidates = db.session.scalars(sa.select(Organization).where(
        Organization.search_text.contains(wanted, autoescape=True))).all()
    matches = [org for org in candidates if wanted in (fold(org.name), fold(org.local_name))]
    if not matches:
        raise click.BadParameter(f"no organization named {name!r}", param_hint="--organization")
    if len(matches) > 1:
        raise click.BadParameter(f"{len(matches)} organizations are named {name!r}",
                                 param_hint="--organization")
    return matches[0]


@crm_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True,
              help="Only when the database has no users yet (what `make run` does).")
def seed_demo_command(if_empty):
    """Load the demo data of the source documents (idempotent)."""
    from crm.demo import DEMO_USERS, seed_demo
    from crm.models import User
    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("The database already has users: demo data not loaded.")
        return
    with unit_of_work():
        created = seed_demo()
    click.echo(f"Demo data ready ({created} new records).")
    for email, password, role, _name, _org in DEMO_USERS:
        click.echo(f"  {role:<10} {email:<28} password: {password}")


@crm_cli.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--organization", "organization_name", help="Name of the user's organization.")
@click.option("--name", help="Display name (defaults to the part of EMAIL before @).")
def create_user_command(email, role, organization_name, name):
    """Create a user. The password comes from CRM_PASSWORD, else it is prompted for."""
    from crm.admin.services import create_user
    organization_id = None
    if organization_name:
        organization_id = _organization_named(organization_name).id
    password = os.environ.get("CRM_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            user = create_user(email=email, name=name or email.split("@")[0], role=Role(role),
                               password=password, organization_id=organization_id)
    except ValidationFailed as failure:
        _fail_with(failure)
    click.echo(f"Created {user.role} {user.email}.")


@crm_cli.command("create-token")
@click.argument("email")
@click.option("--name", default="Command line", show_default=True,
              help="What the token is for (shown on the user's token page).")
def create_token_command(email, name):
    """Print a new API token for the user with EMAIL (shown once, stored hashed)."""
    from crm.account.services import create_token
    from crm.models import User
    user = db.session.scalars(sa.select(User).where(User.email == User.normalize_email(email))).first()
    if user is None:
        raise click.BadParameter(f"no user with the email {email!r}", param_hint="EMAIL")
    if not user.active:
        raise click.BadParameter(f"{user.email} is deactivated", param_hint="EMAIL")
    try:
        with unit_of_work():
            _token, secret = create_token(user, name)
    except ValidationFailed as failure:
        _fail_with(failure)
    click.echo(secret)
