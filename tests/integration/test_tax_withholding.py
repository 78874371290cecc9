"""Tax withheld for household businesses (Decree 117/2025/NĐ-CP): 1% VAT and 0.5% PIT of the
goods' revenue, when the ledger recognises the sale, given back in proportion by refunds;
nothing for cooperatives and enterprises; a dated rate applies only from its day on."""

from datetime import date

import pytest

from marketplace.clock import today_vn
from marketplace.errors import InvalidInput
from marketplace.extensions import db
from marketplace.orders import payment_outcomes, refunds
from marketplace.payouts import withholding
from marketplace.payouts.earnings import release_due
from marketplace.payouts.models import Account, EntryKind, TaxWithholding
from marketplace.pricing import withholding_rates
from marketplace.pricing.models import WithholdingRate
from marketplace.producers.models import LegalType
from marketplace.showrooms import till
from marketplace.showrooms.models import SalePayment
from tests.factories import ProducerFactory, ProductFactory, UserFactory
from tests.money_helpers import (OTHER_REGION_FEE, balance_of, deliver, entries_of_kind, place_order,
                                 place_paid_order, refund, release_all_delivered, tax_withheld, unbalanced_entries)
from tests.point_factories import DisplayPointFactory, consign, new_key, receive

PRICE = 123_450                  # 1% is 1.234,5 ₫ and 0.5% is 617,25 ₫: rounded half up, 1.235 and 617
VAT, PIT = 1_235, 617
TOTAL = PRICE + OTHER_REGION_FEE  # the shipping fee is not the goods' revenue: no tax on it
COMMISSION = 12_345              # 10% of the goods, rounded half up


@pytest.fixture
def household(app):
    return ProducerFactory(legal_type=LegalType.HOUSEHOLD, name="Hộ kinh doanh Lò Văn Minh")


def jar_of(producer, price=PRICE):
    return ProductFactory(producer=producer, variant__price_vnd=price, variant__stock_quantity=1_000).variants[0]


def earned(producer) -> int:
    return balance_of(producer).total_vnd


def test_a_paid_order_of_a_household_business_withholds_one_and_a_half_percent_of_the_goods(household, shopper):
    [part] = place_paid_order(shopper, jar_of(household)).sub_orders

    [entry] = entries_of_kind(EntryKind.TAX_WITHHELD)
    assert tax_withheld(household) == (VAT, PIT)
    assert (entry.sub_order_id, entry.producer_id, entry.reference) == (part.id, household.id, part.order.number)
    [record] = db.session.query(TaxWithholding).all()
    assert (record.entry_id, record.revenue_vnd, record.vat_bps, record.pit_bps) == (entry.id, PRICE, 100, 50)
    assert balance_of(household).pending_vnd == TOTAL - COMMISSION - VAT - PIT
    assert unbalanced_entries() == []


def test_a_cooperative_or_an_enterprise_has_nothing_withheld(shopper):
    cooperative, enterprise = ProducerFactory(), ProducerFactory(legal_type=LegalType.ENTERPRISE)

    place_paid_order(shopper, jar_of(cooperative), jar_of(enterprise))

    assert entries_of_kind(EntryKind.TAX_WITHHELD) == []
    assert earned(cooperative) == earned(enterprise) == TOTAL - COMMISSION


def test_cash_on_delivery_is_withheld_at_delivery_not_before(household, shopper):
    [part] = place_order(shopper, jar_of(household), method="cod").sub_orders
    assert tax_withheld(household) == (0, 0)

    deliver(part)

    assert tax_withheld(household) == (VAT, PIT)
    balance = balance_of(household)
    # The producer kept the cash: it owes the commission and the tax, netted against its next payout.
    assert (balance.paid_vnd, balance.pending_vnd) == (TOTAL, -COMMISSION - VAT - PIT)


def test_a_till_sale_of_a_household_business_is_withheld_when_sold(household):
    jar, point = jar_of(household, 99_999), DisplayPointFactory()
    consign(point, household, commission_rate_bps=1500)
    receive(point, jar, 10)

    sale, _created = till.sell(point.id, None, till.Sale((till.SaleLine(jar.id, 3),), SalePayment.CASH), new_key())

    # 299.997 ₫ of goods: 2.999,97 → 3.000 ₫ VAT, 1.499,985 → 1.500 ₫ PIT.
    [entry] = entries_of_kind(EntryKind.TAX_WITHHELD)
    assert (entry.movement_id, entry.reference) == (sale.id, sale.reference)
    assert tax_withheld(household) == (3_000, 1_500)
    assert earned(household) == 299_997 - 45_000 - 4_500


def test_a_till_sale_of_two_producers_withholds_only_for_the_household(household):
    cooperative = ProducerFactory()
    ours, theirs, point = jar_of(household, 100_000), jar_of(cooperative, 100_000), DisplayPointFactory()
    for producer, jar in ((household, ours), (cooperative, theirs)):
        consign(point, producer)
        receive(point, jar, 5)

    till.sell(point.id, None, till.Sale((till.SaleLine(ours.id, 1), till.SaleLine(theirs.id, 2)),
                                        SalePayment.BANK_TRANSFER), new_key())

    assert tax_withheld(household) == (1_000, 500)
    assert tax_withheld(cooperative) == (0, 0)
    assert unbalanced_entries() == []


def test_a_refund_gives_back_its_share_of_the_tax_and_a_full_refund_gives_back_all_of_it(household, shopper):
    [part] = place_paid_order(shopper, jar_of(household)).sub_orders

    refund(part, TOTAL // 3)
    # A third of the total (shipping included: refunds are of the total) gives back a third of each tax.
    third_vat, third_pit = (VAT * (TOTAL // 3) * 2 + TOTAL) // (2 * TOTAL), (PIT * (TOTAL // 3) * 2 + TOTAL) // (2 * TOTAL)
    assert tax_withheld(household) == (VAT - third_vat, PIT - third_pit)
    refund(db.session.get(type(part), part.id), TOTAL - TOTAL // 3)

    assert tax_withheld(household) == (0, 0)
    reversals = entries_of_kind(EntryKind.TAX_REVERSED)
    assert len(reversals) == 2
    assert sum(r.revenue_vnd for r in db.session.query(TaxWithholding)) == 0
    assert earned(household) == 0
    assert unbalanced_entries() == []


def test_a_refund_after_release_gives_the_tax_back_to_the_available_balance(household, shopper):
    [part] = place_paid_order(shopper, jar_of(household)).sub_orders
    deliver(part)
    release_all_delivered()
    release_due()
    assert balance_of(household).available_vnd == TOTAL - COMMISSION - VAT - PIT

    refund(part, TOTAL)

    assert tax_withheld(household) == (0, 0)
    assert balance_of(household).available_vnd == 0
    [reversal] = entries_of_kind(EntryKind.TAX_REVERSED)
    assert {line.account for line in reversal.lines} == {Account.PRODUCER_AVAILABLE, Account.VAT_WITHHELD,
                                                         Account.PIT_WITHHELD}


def test_goods_given_back_at_a_display_point_give_back_their_share_of_the_tax(household):
    jar, point = jar_of(household, 100_000), DisplayPointFactory()
    consign(point, household)
    receive(point, jar, 5)
    sale, _ = till.sell(point.id, None, till.Sale((till.SaleLine(jar.id, 4),), SalePayment.CASH), new_key())
    assert tax_withheld(household) == (4_000, 2_000)

    # One of the four jars comes back: a quarter of the sale.
    withholding.give_back(household.id, Account.PRODUCER_PENDING, 0, 100_000, 400_000, movement_id=sale.id,
                          reference=sale.reference)
    db.session.commit()

    assert tax_withheld(household) == (3_000, 1_500)
    assert unbalanced_entries() == []


def test_a_new_rate_applies_to_sales_from_its_day_and_a_refund_gives_back_at_the_rate_withheld(household, shopper):
    jar = jar_of(household, 200_000)
    [before] = place_paid_order(shopper, jar).sub_orders
    # As if the admin had set it earlier for today (the service accepts only days to come).
    db.session.add(WithholdingRate(valid_from=today_vn(), vat_bps=200, pit_bps=100))
    db.session.commit()

    place_paid_order(shopper, jar)
    assert tax_withheld(household) == (2_000 + 4_000, 1_000 + 2_000)
    refund(db.session.get(type(before), before.id), before.total_vnd)

    assert tax_withheld(household) == (4_000, 2_000)


def test_a_rate_can_only_be_set_for_a_day_to_come(admin_user):
    with pytest.raises(InvalidInput):
        withholding_rates.set_rate(today_vn(), 200, 100, admin_user.id)
    tomorrow = date.fromordinal(today_vn().toordinal() + 1)

    withholding_rates.set_rate(tomorrow, 200, 100, admin_user.id)

    assert withholding_rates.rate_on(today_vn()) == withholding_rates.DECREE_117
    assert withholding_rates.rate_on(tomorrow) == withholding_rates.Rate(tomorrow, 200, 100)
    assert withholding_rates.rates()[-1] == withholding_rates.Rate(tomorrow, 200, 100)


def test_nothing_was_withheld_before_the_decree_came_into_force(app):
    assert withholding_rates.rate_on(date(2025, 6, 30)) is None
    assert withholding_rates.rate_on(date(2025, 7, 1)) == withholding_rates.Rate(date(2025, 7, 1), 100, 50)


@pytest.fixture
def admin_user(app):
    return UserFactory(is_admin=True)


def test_a_refund_made_in_stripe_gives_the_tax_back_once_an_admin_allocates_it(household, shopper):
    cooperative = ProducerFactory()
    order = place_paid_order(shopper, jar_of(household), jar_of(cooperative))
    ours = next(part for part in order.sub_orders if part.producer_id == household.id)
    awaiting = payment_outcomes.record_refund(order.payment, None, TOTAL, "Refunded in Stripe", None,
                                              awaiting_allocation=True)
    db.session.commit()
    assert tax_withheld(household) == (VAT, PIT)  # the platform bears it until someone decides whose it is

    refunds.allocate_refund(order.id, awaiting.id, [(ours.id, TOTAL)], "Hũ mật bị vỡ", None)

    assert tax_withheld(household) == (0, 0)
    assert earned(household) == 0
    assert unbalanced_entries() == []
