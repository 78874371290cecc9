"""Payout runs as a job: weekly under `flask jobs schedule`, or enqueued by hand."""

from marketplace.jobs import every, job
from marketplace.payouts.runs import run_payouts


@job("payouts.run")
def run(started_by_id: int | None = None) -> int:
    return run_payouts(started_by_id).id


every(7 * 24 * 3600, "payouts.run")
