"""`flask --app wsgi mail retry`: deliver what the transport did not take the first time."""

import click
from flask.cli import AppGroup

from marketplace.mail import services

mail_cli = AppGroup("mail", help="The mail outbox.")


@mail_cli.command("retry")
def retry():
    """Deliver every queued or failed message (run it from cron, e.g. every 5 minutes)."""
    sent, not_sent = services.retry()
    click.echo(f"Sent {sent}; {not_sent} still waiting.")
