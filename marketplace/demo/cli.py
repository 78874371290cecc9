import click
from flask.cli import AppGroup

from marketplace.demo.loader import load_demo

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def load():
    """Load the demo producers, products and accounts (safe to run again)."""
    created = load_demo()
    click.echo("Demo loaded: " + ", ".join(f"{n} new {kind}" for kind, n in created.items()))
