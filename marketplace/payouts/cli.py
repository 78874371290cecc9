from collections import Counter

import click
from flask.cli import AppGroup

from marketplace.payouts.connect_rail import reconcile_connect_payouts
from marketplace.payouts.earnings import release_due
from marketplace.payouts.models import PayoutStatus
from marketplace.payouts.runs import run_payouts

payouts_cli = AppGroup("payouts", help="Producer payouts.")


@payouts_cli.command("run")
def run():
    """Release due earnings and pay every producer at or above the minimum."""
    payout_run = run_payouts()
    total = sum(p.amount_vnd for p in payout_run.payouts)
    click.echo(f"Run {payout_run.id}: {len(payout_run.payouts)} payouts, {total} đồng.")


@payouts_cli.command("reconcile")
def reconcile():
    """Look up at Stripe the Connect payouts left in transit (Stripe's answer was
    unknown) and mark them paid, or send them again. Every run does this first."""
    payouts = reconcile_connect_payouts()
    by_status = Counter(p.status for p in payouts)
    click.echo(f"Checked {len(payouts)} Connect payouts at Stripe: {by_status[PayoutStatus.PAID]} paid, "
               f"{by_status[PayoutStatus.FAILED]} failed, {by_status[PayoutStatus.IN_TRANSIT]} still in transit.")
    for payout in payouts:
        if payout.status is PayoutStatus.IN_TRANSIT:
            click.echo(f"  payout {payout.id}: {payout.failure_reason}")


@payouts_cli.command("release")
def release():
    """Make earnings available for parts delivered at least the holding period ago."""
    click.echo(f"Released {release_due()} sub-orders.")
