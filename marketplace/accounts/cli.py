import click
from flask.cli import AppGroup

from marketplace.accounts import services

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for when not given.")
@click.option("--name", "full_name", default="Platform admin", show_default=True)
def create_admin(email, password, full_name):
    """Create a platform admin (or promote an existing account)."""
    if len(password) < 10:
        raise click.BadParameter("must be at least 10 characters", param_hint="--password")
    user = services.create_admin(email, password, full_name)
    click.echo(f"Admin ready: {user.email} (id {user.id})")
