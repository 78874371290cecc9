import click
from flask.cli import AppGroup

from marketplace.payouts.earnings import release_due
from marketplace.payouts.runs import run_payouts

payouts_cli = AppGroup("payouts", help="Producer payouts.")


@payouts_cli.command("run")
def run():
    """Release due earnings and pay every producer at or above the minimum."""
    payout_run = run_payouts()
    total = sum(p.amount_vnd for p in payout_run.payouts)
    click.echo(f"Run {payout_run.id}: {len(payout_run.payouts)} payouts, {total} đồng.")


@payouts_cli.command("release")
def release():
    """Make earnings available for parts delivered at least the holding period ago."""
    click.echo(f"Released {release_due()} sub-orders.")
