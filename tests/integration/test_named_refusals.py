"""What the showrooms' and payouts' use cases refuse, as named errors a caller
(an API view, a page, a test) can catch by type, each with the code the API
has always answered with."""

from datetime import timedelta

import pytest

from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.payouts import connect_rail, services as payout_services, settlement
from marketplace.payouts.models import (BankAccountNotFound, NotAConnectPayout, Payout, PayoutNotFound,
                                        PayoutNotInTransit, PayoutRail, PayoutRun, PayoutRunNotFound, PayoutStatus)
from marketplace.showrooms import operations, services, till, transfers
from marketplace.showrooms.models import (AlreadyOperator, LinesRefused, MoreCashThanHeld, NoAccountWithEmail,
                                          NotCarriedThere, NotConsigned, OperatorNotFound, PointNotFound, PointNotOpen,
                                          PointStatus, SalePayment, SamePoint, StockNotFound, TransferAlreadyReceived,
                                          TransferNotFound, UnknownVariants)
from marketplace.showrooms.movements import OutLine
from marketplace.showrooms.till import Sale, SaleLine
from tests.factories import ProducerFactory, ProductFactory
from tests.point_factories import DisplayPointFactory, consigned_variant, new_key, operator_of, receive


@pytest.fixture
def point():
    return DisplayPointFactory()


@pytest.fixture
def honey(point):
    variant = consigned_variant(point)
    receive(point, variant, 5, "L1", today_vn() + timedelta(days=90))
    return variant


def a_sale(*lines) -> Sale:
    return Sale(tuple(SaleLine(variant.id, quantity) for variant, quantity in lines), SalePayment.CASH)


def test_a_sale_at_a_point_that_does_not_exist_is_point_not_found(app, honey):
    with pytest.raises(PointNotFound) as refused:
        till.sell(2**31 - 1, None, a_sale((honey, 1)), new_key())
    assert (refused.value.status, refused.value.code) == (404, "point_not_found")


def test_a_sale_at_a_closed_point_is_point_not_open(app, point, honey):
    point.status = PointStatus.TEMPORARILY_CLOSED
    db.session.commit()
    with pytest.raises(PointNotOpen) as refused:
        till.sell(point.id, None, a_sale((honey, 1)), new_key())
    assert (refused.value.status, refused.value.code) == (409, "point_not_active")


def test_selling_a_producer_the_point_does_not_carry_is_not_consigned_naming_the_line(app, point, honey):
    elsewhere = ProductFactory().variants[0]
    with pytest.raises(NotConsigned) as refused:
        till.sell(point.id, None, a_sale((honey, 1), (elsewhere, 1)), new_key())
    assert refused.value.code == "not_consigned"
    assert refused.value.errors == {"lines": {"1": ["This point does not carry this producer's products."]}}


def test_a_delivery_from_a_producer_without_consignment_is_not_consigned(app, point):
    stranger = ProductFactory().variants[0]
    with pytest.raises(NotConsigned):
        operations.receive(point.id, None, stranger.product.producer_id, "PGH-1",
                           [{"variant_id": stranger.id, "quantity": 1, "lot_code": "L1", "expires_on": None}])


def test_a_variant_that_does_not_exist_is_unknown_variants(app, point, honey):
    with pytest.raises(UnknownVariants) as refused:
        transfers.transfer_out(point.id, None, DisplayPointFactory().id, [OutLine(2**31 - 1, 1)])
    assert (refused.value.status, refused.value.code) == (422, "validation_error")


def test_returning_another_producers_variant_is_lines_refused(app, point, honey):
    with pytest.raises(LinesRefused) as refused:
        operations.return_to_producer(point.id, None, ProducerFactory().id, "PTH-1", [OutLine(honey.id, 1)])
    assert refused.value.errors == {"json": {"lines": {"0": ["This variant belongs to another producer."]}}}


def test_a_transfer_to_the_same_point_is_same_point(app, point, honey):
    with pytest.raises(SamePoint):
        transfers.transfer_out(point.id, None, point.id, [OutLine(honey.id, 1)])


def test_a_transfer_of_what_the_destination_does_not_carry_is_refused_only_when_asked(app, point, honey):
    other = DisplayPointFactory()
    with pytest.raises(NotCarriedThere) as refused:
        transfers.transfer_out(point.id, None, other.id, [OutLine(honey.id, 1)], only_carried=True)
    assert (refused.value.status, refused.value.lines) == (422, [0])
    assert refused.value.errors == {
        "json": {"lines": {"0": ["The receiving point does not carry this producer's products."]}}}
    assert transfers.transfer_out(point.id, None, other.id, [OutLine(honey.id, 1)]).lines[0].quantity_sent == 1


def test_a_transfer_received_twice_or_elsewhere_is_refused_by_name(app, point, honey):
    other = DisplayPointFactory()
    transfer = transfers.transfer_out(point.id, None, other.id, [OutLine(honey.id, 1)])
    with pytest.raises(TransferNotFound):
        transfers.receive_transfer(point.id, None, transfer.id, {})
    transfers.receive_transfer(other.id, None, transfer.id, {})
    with pytest.raises(TransferAlreadyReceived):
        transfers.receive_transfer(other.id, None, transfer.id, {})


def test_handing_over_more_cash_than_the_till_holds_is_more_cash_than_held(app, point, honey):
    till.sell(point.id, None, a_sale((honey, 1)), new_key())
    with pytest.raises(MoreCashThanHeld):
        operations.hand_over_cash(point.id, None, 10**9, "BANK-1")


def test_operators_are_refused_by_name(app, point):
    operator = operator_of(point)
    with pytest.raises(AlreadyOperator):
        services.assign_operator(point.id, operator.email)
    with pytest.raises(NoAccountWithEmail):
        services.assign_operator(point.id, "nobody@example.vn")
    with pytest.raises(OperatorNotFound):
        services.remove_operator(point.id, 2**31 - 1)
    with pytest.raises(StockNotFound):
        services.set_low_stock_threshold(point.id, 2**31 - 1, 3)


# --- payouts ----------------------------------------------------------------------------

def a_payout(rail: PayoutRail, status: PayoutStatus) -> Payout:
    producer = ProducerFactory()
    run = PayoutRun(minimum_vnd=0)
    db.session.add(run)
    db.session.flush()
    payout = Payout(run_id=run.id, producer_id=producer.id, amount_vnd=100_000, rail=rail, status=status)
    db.session.add(payout)
    db.session.commit()
    return payout


def test_payouts_that_do_not_exist_are_refused_by_name(app):
    with pytest.raises(PayoutNotFound):
        settlement.mark_paid(2**31 - 1, "FT-1")
    with pytest.raises(PayoutNotFound):
        connect_rail.reconcile_payout(2**31 - 1)
    with pytest.raises(PayoutRunNotFound):
        payout_services.get_run(2**31 - 1)
    with pytest.raises(BankAccountNotFound):
        payout_services.bank_account_of(ProducerFactory().id)


def test_a_settled_payout_is_not_settled_again(app):
    payout_id = a_payout(PayoutRail.BANK_TRANSFER, PayoutStatus.PAID).id
    with pytest.raises(PayoutNotInTransit) as refused:
        settlement.mark_failed(payout_id, "bounced")
    assert (refused.value.code, refused.value.message) == ("payout_not_in_transit", "This payout is already paid.")


def test_a_bank_transfer_payout_is_not_reconciled_with_stripe(app):
    payout_id = a_payout(PayoutRail.BANK_TRANSFER, PayoutStatus.IN_TRANSIT).id
    with pytest.raises(NotAConnectPayout):
        connect_rail.reconcile_payout(payout_id)
