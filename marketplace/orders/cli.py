import click
from flask.cli import AppGroup

from marketplace.orders.fulfilment import expire_reservations

orders_cli = AppGroup("orders", help="Order housekeeping.")


@orders_cli.command("expire-reservations")
def expire():
    """Cancel unpaid card and bank-transfer orders past their reservation; run it every few minutes."""
    click.echo(f"Expired {expire_reservations()} unpaid orders.")
