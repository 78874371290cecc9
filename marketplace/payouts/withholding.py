"""Tax withheld on household businesses' sales (Decree 117/2025/NĐ-CP), as ledger entries.

When the ledger recognises a household business's sale (earnings.py: an online part
when paid, a cash-on-delivery part at delivery, a till sale when sold) it withholds
VAT and PIT at the rate in force that day (pricing.withholding_rates): one TAX_WITHHELD
entry that takes both from the producer's pending earning and owes them to the tax
office (the VAT_WITHHELD and PIT_WITHHELD accounts, lines carrying the producer). A
refund gives back its share in a TAX_REVERSED entry, from the bucket the refund takes
the earning back from. Cooperatives and enterprises withhold nothing.

The rules, chosen so the monthly declaration adds up to the đồng to the ledger:
- Revenue is the goods' revenue: an online part's line totals (items_total_vnd, the
  prices it was sold at) without the shipping fee, which pays the carrier; a till
  sale's line totals for the producer (after any price override).
- Each tax is whole đồng, rounded half up, on that revenue, at the day's rate.
- A refund of R đồng of a part whose total (shipping included: refunds are of the
  total) is T gives back a share of each withheld amount W (revenue, VAT, PIT): the
  refunds so far, R_before and R_after = R_before + R, give back
  round_half_up(W × R_after / T) − round_half_up(W × R_before / T). So a full refund,
  in any number of steps, gives back exactly what was withheld, and the reversal is at
  the rate of the sale even when the rate has changed since.
The report (tax_report.py) sums these entries' lines, so it equals the accounts.
"""

import sqlalchemy as sa

from marketplace.clock import vietnam_date
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.payouts.ledger import credit, debit, post
from marketplace.payouts.models import Account, EntryKind, JournalEntry, JournalLine, TaxWithholding
from marketplace.pricing import withholding_rates
from marketplace.producers.models import Producer


def withhold(producer_id: int, revenue_vnd: int, *, flush: bool = True, **refs) -> JournalEntry | None:
    """Withhold VAT and PIT on a household business's sale recognised now, from its pending earning.
    `refs` are the entry's references (sub_order_id or movement_id, reference). Nothing for a
    cooperative or an enterprise, for a sale before the Decree, or on no revenue."""
    # Read without flushing: a till sale's entries, still unwritten, go in together at its commit.
    with db.session.no_autoflush:
        legal_type = db.session.scalar(sa.select(Producer.legal_type).where(Producer.id == producer_id))
        if not withholding_rates.withholds_for(legal_type) or revenue_vnd <= 0:
            return None
        rate = withholding_rates.rate_on(vietnam_date(utcnow()))
    if rate is None:
        return None
    vat, pit = rate.withheld(revenue_vnd)
    return _post(EntryKind.TAX_WITHHELD, Account.PRODUCER_PENDING, producer_id, revenue_vnd, vat, pit,
                 rate.vat_bps, rate.pit_bps, flush=flush,
                 memo=f"VAT {rate.vat_bps / 100:g}% and PIT {rate.pit_bps / 100:g}% withheld", **refs)


def give_back(producer_id: int, bucket: Account, refunded_before_vnd: int, refunded_vnd: int, of_total_vnd: int,
              *, refund_id: int | None = None, **refs) -> JournalEntry | None:
    """A refund of `refunded_vnd` of a sale whose total is `of_total_vnd` (after `refunded_before_vnd`
    refunded already) gives back its share of the tax withheld on that sale, to `bucket` (where the
    refund took the earning back from). `refs` name the sale: sub_order_id, or movement_id (a till
    sale). Nothing when nothing was withheld."""
    withheld = _withheld_on(producer_id, refs)
    if withheld is None:
        return None
    revenue, vat, pit, vat_bps, pit_bps = withheld
    before, after = refunded_before_vnd, refunded_before_vnd + refunded_vnd

    def share(amount: int) -> int:
        return _half_up(amount * after, of_total_vnd) - _half_up(amount * before, of_total_vnd)

    revenue, vat, pit = share(revenue), share(vat), share(pit)
    if not (revenue or vat or pit):
        return None
    return _post(EntryKind.TAX_REVERSED, bucket, producer_id, -revenue, -vat, -pit, vat_bps, pit_bps,
                 refund_id=refund_id, memo="Tax withheld given back with a refund", **refs)


def _half_up(numerator: int, denominator: int) -> int:
    return (numerator * 2 + denominator) // (2 * denominator)


def _withheld_on(producer_id: int, refs: dict):
    """(revenue, VAT, PIT, VAT bps, PIT bps) withheld on the sale `refs` names, or None."""
    sale = (JournalEntry.sub_order_id == refs["sub_order_id"]) if refs.get("sub_order_id") else (
        JournalEntry.movement_id == refs["movement_id"])
    found = db.session.execute(
        sa.select(TaxWithholding).join(JournalEntry, JournalEntry.id == TaxWithholding.entry_id)
        .where(sale, JournalEntry.kind == EntryKind.TAX_WITHHELD, TaxWithholding.producer_id == producer_id)
    ).scalars().first()
    if found is None:
        return None
    amounts = dict(db.session.execute(
        sa.select(JournalLine.account, -JournalLine.amount_vnd).where(JournalLine.entry_id == found.entry_id,
                                                                      JournalLine.account.in_(_TAX))).all())
    return (found.revenue_vnd, amounts.get(Account.VAT_WITHHELD, 0), amounts.get(Account.PIT_WITHHELD, 0),
            found.vat_bps, found.pit_bps)


_TAX = (Account.VAT_WITHHELD, Account.PIT_WITHHELD)


def _post(kind: EntryKind, bucket: Account, producer_id: int, revenue: int, vat: int, pit: int, vat_bps: int,
          pit_bps: int, *, refund_id: int | None = None, flush: bool = True, **refs) -> JournalEntry:
    """Positive amounts withhold (the producer's bucket pays the tax accounts), negative give back."""
    entry = post(kind, [debit(bucket, vat + pit, producer_id), credit(Account.VAT_WITHHELD, vat, producer_id),
                        credit(Account.PIT_WITHHELD, pit, producer_id)],
                 producer_id=producer_id, flush=False, **refs)
    db.session.add(TaxWithholding(entry=entry, producer_id=producer_id, refund_id=refund_id, revenue_vnd=revenue,
                                  vat_bps=vat_bps, pit_bps=pit_bps))
    if flush:
        db.session.flush()
    return entry
