import click
from flask.cli import AppGroup

from marketplace.regions.services import sync_regions

regions_cli = AppGroup("regions", help="Administrative divisions reference data.")


@regions_cli.command("sync")
def sync():
    """Load or refresh regions, provinces and wards from vietnam-provinces."""
    counts = sync_regions()
    click.echo("Synced {regions} regions, {provinces} provinces, {wards} wards.".format(**counts))
