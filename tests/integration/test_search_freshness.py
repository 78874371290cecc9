"""Search never goes stale: every write that changes a field of a product's
search document queues that product, through every service that can make it,
and no domain module tells search anything (search/tracking.py notices).

The table below has a row per (field, service). Each row changes the field
through the real service, then finds the product in the outbox and checks that
its document really changed in that field. Adding a field to ProductDocument
fails test_the_table_covers_every_field_of_the_document until it has a row.
"""

from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Callable

import pytest
import sqlalchemy as sa

from marketplace.catalog import services as catalog
from marketplace.catalog.models import NetUnit, Product, ProductGroup, ProductStatus, Variant
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders import cart, fulfilment
from marketplace.orders.checkout import checkout
from marketplace.orders.models import PaymentMethod
from marketplace.producers import services as producers
from marketplace.producers.models import LegalType, Producer, ProducerStatus
from marketplace.showrooms import operations, services as points, till, transfers
from marketplace.showrooms.models import AdjustmentReason, PointStatus, PointStock, SalePayment
from marketplace.showrooms.movements import OutLine
from search.documents import ProductDocument, documents_for
from search.models import SearchOutbox
from search.tracking import UndeclaredBulkWrite
from tests.factories import DIEN_BIEN_WARD, HA_NOI, ProductFactory, UserFactory, VariantFactory
from tests.order_support import ADDRESS, new_key
from tests.point_factories import DisplayPointFactory, consign, receive

LAI_CHAU = 12


class Recording:
    """A backend that leaves changes in the outbox, as Elasticsearch does."""

    name, applies_in_transaction, unavailable_errors = "recording", False, ()


@pytest.fixture
def outbox_backend(app, monkeypatch):
    monkeypatch.setitem(app.extensions, "search", Recording())


def synced() -> None:
    """The outbox as `search sync` leaves it."""
    db.session.execute(sa.delete(SearchOutbox))
    db.session.commit()


def queued() -> list[int]:
    return db.session.scalars(sa.select(SearchOutbox.product_id).order_by(SearchOutbox.id)).all()


def document(product_id: int) -> ProductDocument | None:
    docs, _removed = documents_for([product_id])
    db.session.rollback()
    return docs[0] if docs else None


def changed_fields(before: ProductDocument | None, after: ProductDocument | None) -> set[str]:
    if before is None or after is None:
        return {"searchable"} if (before is None) != (after is None) else set()
    return {f.name for f in fields(ProductDocument) if getattr(before, f.name) != getattr(after, f.name)}


class World:
    """One searchable product (one variant, 20 in stock, 250,000 đồng) of an approved producer."""

    def __init__(self):
        self.product = ProductFactory()
        self.variant = self.product.variants[0]
        self.product_id, self.producer_id, self.variant_id = self.product.id, self.product.producer_id, self.variant.id
        self.shopper = UserFactory()
        self.point = self.other_point = self.order = self.transfer = None

    def set(self, obj, **values):
        for name, value in values.items():
            setattr(obj, name, value)
        db.session.commit()

    def consigned_point(self):
        self.point = DisplayPointFactory()
        consign(self.point, self.product.producer)

    def stock_at_point(self, quantity: int = 1):
        self.consigned_point()
        receive(self.point, self.variant, quantity)

    def second_point(self, province: int = LAI_CHAU):
        self.other_point = DisplayPointFactory(province_code=province, ward_code=None)
        consign(self.other_point, self.product.producer)

    def transfer_to_second_point(self):
        self.stock_at_point(2)
        self.second_point()
        self.transfer = transfers.transfer_out(self.point.id, None, self.other_point.id, _line(self, 2))

    def order_last_units(self, method=PaymentMethod.BANK_TRANSFER):
        cart.set_line(self.shopper, self.variant_id, db.session.get(Variant, self.variant_id).stock_quantity)
        self.order, _created = checkout(self.shopper, {"payment_method": method, "shipping_address": ADDRESS},
                                        new_key())


@dataclass
class Case:
    fields: set[str]                                    # what the change must change in the document
    change: Callable[[World], object]
    prepare: Callable[[World], object] = lambda w: None


def _certificate(**overrides) -> dict:
    return {"stars": 4, "decision_number": "77/QĐ-UBND", "issuing_level": "provincial",
            "issued_on": date.today() - timedelta(days=10), **overrides}


def _update(**changes):  # the services take what they consume out of the dict: give each run its own
    return lambda w: catalog.update_product(w.producer_id, w.product_id, dict(changes))


def _update_variant(**changes):
    return lambda w: catalog.update_variant(w.producer_id, w.product_id, w.variant_id, dict(changes))


def _expire_certificate(w: World):
    w.set(w.product, ocop_issued_on=date.today() - timedelta(days=1200),
          ocop_valid_until=date.today() - timedelta(days=1))


def _line(w: World, quantity: int = 1) -> list[OutLine]:
    return [OutLine(w.variant_id, quantity)]


def _sale(w: World, quantity: int = 1) -> till.Sale:
    return till.Sale(lines=(till.SaleLine(w.variant_id, quantity),), payment_method=SalePayment.CASH)


POINT = {"display_point_ids", "display_point_provinces"}

CASES = {
    # the product, through the producer portal and the admin
    "name/update_product": Case({"name"}, _update(name="Mật ong bạc hà Mèo Vạc")),
    "description/update_product": Case({"description"}, _update(description="Mật ong từ hoa bạc hà.")),
    "group/update_product": Case({"group"}, _update(group=ProductGroup.BEVERAGES)),
    "certifications/update_product": Case({"certifications"}, _update(certifications=["vietgap"])),
    "province/update_product": Case({"province_code", "region", "place_names"},
                                    _update(origin_province_code=HA_NOI)),
    "ward/update_product": Case({"ward_code", "place_names"}, _update(origin_ward_code=DIEN_BIEN_WARD)),
    "certificate/update_product": Case({"stars", "claimed_stars", "certificate_valid_until"},
                                       _update(certification=_certificate())),
    "certificate_valid/update_product": Case({"certificate_valid", "certificate_valid_until"},
                                             _update(certification=_certificate(stars=3)), _expire_certificate),
    "valid_until/update_product": Case({"certificate_valid_until"}, _update(certification=_certificate(
        stars=3, decision_number="123/QĐ-UBND", issued_on=date.today() - timedelta(days=100),
        valid_until=date.today() + timedelta(days=500))), lambda w: w.set(w.product, ocop_verified_at=None)),
    "stars/verify_certificate": Case({"stars", "claimed_stars"},
                                     lambda w: catalog.verify_certificate(w.product_id, UserFactory(is_admin=True).id),
                                     lambda w: w.set(w.product, ocop_verified_at=None)),
    "searchable/publish": Case({"searchable"}, lambda w: catalog.publish(w.producer_id, w.product_id),
                               lambda w: w.set(w.product, status=ProductStatus.DRAFT)),
    "searchable/unpublish": Case({"searchable"}, lambda w: catalog.unpublish(w.producer_id, w.product_id)),
    "searchable/archive": Case({"searchable"}, lambda w: catalog.archive(w.producer_id, w.product_id)),
    # its variants
    "price/update_variant": Case({"price_min_vnd", "price_max_vnd"}, _update_variant(price_vnd=300_000)),
    "price_max/add_variant": Case({"price_max_vnd"}, lambda w: catalog.add_variant(w.producer_id, w.product_id, {
        "label": "Chai 1 lít", "net_quantity": 1000, "net_unit": NetUnit.MILLILITRE, "price_vnd": 450_000,
        "stock_quantity": 5})),
    "price_min/deactivate_variant": Case({"price_min_vnd"}, _update_variant(is_active=False),
                                         lambda w: VariantFactory(product=w.product, price_vnd=400_000)),
    "searchable/deactivate_last_variant": Case({"searchable"}, _update_variant(is_active=False)),
    "in_stock/update_variant_to_0": Case({"in_stock"}, _update_variant(stock_quantity=0)),
    "in_stock/update_variant_from_0": Case({"in_stock"}, _update_variant(stock_quantity=5),
                                           lambda w: w.set(w.variant, stock_quantity=0)),
    # online stock: checkout takes it, cancellation and expiry give it back
    "in_stock/checkout_takes_the_last": Case({"in_stock"}, lambda w: w.order_last_units()),
    "in_stock/shopper_cancels": Case({"in_stock"}, lambda w: fulfilment.cancel_by_shopper(
        w.shopper, w.order.id, "Đặt nhầm."), lambda w: w.order_last_units()),
    "in_stock/producer_cancels": Case({"in_stock"}, lambda w: fulfilment.cancel_by_producer(
        w.producer_id, w.order.sub_orders[0].id, None, "Hết hàng thật."),
        lambda w: w.order_last_units(PaymentMethod.COD)),
    "in_stock/reservation_expires": Case({"in_stock"}, lambda w: fulfilment.expire_reservations(
        utcnow() + timedelta(days=30)), lambda w: w.order_last_units()),
    # the producer
    "producer_name/update_profile": Case({"producer_name"}, lambda w: producers.update_profile(
        w.producer_id, {"name": "Hợp tác xã Ong mật Mường Phăng"})),
    "producer_slug/update_profile": Case({"producer_slug"}, lambda w: producers.update_profile(
        w.producer_id, {"slug": "htx-ong-mat-muong-phang"})),
    "producer_type/update_profile": Case({"producer_type"}, lambda w: producers.update_profile(
        w.producer_id, {"legal_type": LegalType.HOUSEHOLD})),
    "searchable/suspend": Case({"searchable"}, lambda w: producers.suspend(w.producer_id, "Giấy phép hết hạn.")),
    "searchable/approve": Case({"searchable"}, lambda w: producers.approve(w.producer_id),
                               lambda w: w.set(w.product.producer, status=ProducerStatus.SUSPENDED)),
    # display points: where the product can be bought in person
    "points/receive": Case(POINT, lambda w: receive(w.point, w.variant, 3), lambda w: w.consigned_point()),
    "points/till_sells_the_last": Case(POINT, lambda w: till.sell(w.point.id, None, _sale(w), new_key()), lambda w: w.stock_at_point(1)),
    "points/adjust_to_zero": Case(POINT, lambda w: operations.adjust(
        w.point.id, None, AdjustmentReason.COUNT_CORRECTION, [{"variant_id": w.variant_id, "lot_code": "L01",
                                                               "counted": 0}]), lambda w: w.stock_at_point(2)),
    "points/return_to_producer": Case(POINT, lambda w: operations.return_to_producer(
        w.point.id, None, w.producer_id, "TRA-001", _line(w, 2)), lambda w: w.stock_at_point(2)),
    "points/transfer_out": Case(POINT, lambda w: transfers.transfer_out(
        w.point.id, None, w.other_point.id, _line(w, 2)), lambda w: (w.stock_at_point(2), w.second_point())),
    "points/receive_transfer": Case(POINT, lambda w: transfers.receive_transfer(
        w.other_point.id, None, w.transfer.id, {}), lambda w: w.transfer_to_second_point()),
    "points/close_point": Case(POINT, lambda w: points.update_point(w.point.id, {"status": PointStatus.CLOSED}),
                               lambda w: w.stock_at_point(1)),
    "points/reopen_point": Case(POINT, lambda w: points.update_point(w.point.id, {"status": PointStatus.ACTIVE}),
                                lambda w: (w.stock_at_point(1), w.set(w.point, status=PointStatus.TEMPORARILY_CLOSED))),
    "point_provinces/move_point": Case({"display_point_provinces"}, lambda w: points.update_point(
        w.point.id, {"province_code": HA_NOI}), lambda w: w.stock_at_point(1)),
}

# Fields no write can change (and why), so no row can exist for them.
UNCHANGEABLE = {
    "product_id": "a product's id is its identity",
    "producer_id": "no service moves a product to another producer",
    "created_at": "set once, when the product is created",
    "popularity": "not computed yet: always 0",
}


def test_the_table_covers_every_field_of_the_document():
    covered = set().union(*(case.fields for case in CASES.values()))
    document_fields = {f.name for f in fields(ProductDocument)}

    assert covered - {"searchable"} == document_fields - UNCHANGEABLE.keys()
    assert "searchable" in covered


@pytest.mark.parametrize("name", CASES)
def test_every_change_to_a_document_field_queues_the_product(app, outbox_backend, name):
    case = CASES[name]
    world = World()
    case.prepare(world)
    synced()
    before = document(world.product_id)

    case.change(world)

    assert world.product_id in queued()
    assert case.fields <= changed_fields(before, document(world.product_id))


# --- stock that stays on sale changes no document: the hot paths index nothing ----

def test_a_checkout_that_leaves_stock_queues_nothing(app, outbox_backend):
    world = World()
    synced()

    cart.set_line(world.shopper, world.variant_id, 19)
    checkout(world.shopper, {"payment_method": PaymentMethod.COD, "shipping_address": ADDRESS}, new_key())

    assert queued() == []


def test_a_till_sale_that_leaves_stock_on_the_shelf_queues_nothing(app, outbox_backend):
    world = World()
    world.stock_at_point(3)
    synced()

    till.sell(world.point.id, None, _sale(world, 2), new_key())

    assert queued() == []


def test_a_change_to_a_field_the_document_does_not_hold_queues_nothing(app, outbox_backend):
    world = World()
    synced()

    catalog.update_product(world.producer_id, world.product_id, {"shelf_life_days": 30, "image_urls": ["a.jpg"]})
    catalog.update_variant(world.producer_id, world.product_id, world.variant_id, {"label": "Hũ 500 g",
                                                                                   "stock_quantity": 7})

    assert queued() == []


# --- the mechanism itself -----------------------------------------------------------

def test_a_write_no_service_made_is_noticed_all_the_same(app, outbox_backend):
    world = World()
    synced()

    db.session.get(Product, world.product_id).name = "Chè Shan tuyết"
    db.session.commit()

    assert queued() == [world.product_id]


def test_a_producer_change_queues_every_product_of_theirs(app, outbox_backend):
    world = World()
    other = ProductFactory(producer=world.product.producer)
    ProductFactory()  # someone else's
    synced()

    db.session.get(Producer, world.producer_id).name = "Hợp tác xã Mới"
    db.session.commit()

    assert sorted(queued()) == sorted([world.product_id, other.id])


@pytest.mark.parametrize("statement", [
    sa.update(Variant).values(price_vnd=1),
    sa.update(Product.__table__).values(name="x"),
    sa.delete(PointStock),
    sa.insert(Producer).values(slug="x", name="x", legal_type="cooperative", province_code=HA_NOI),
], ids=["orm-update", "core-update", "delete", "insert"])
def test_a_bulk_write_to_a_table_that_feeds_search_must_declare_what_it_changes(app, statement):
    with pytest.raises(UndeclaredBulkWrite):
        db.session.execute(statement)
    db.session.rollback()


def test_a_declared_bulk_write_queues_what_it_declares(app, outbox_backend):
    world = World()
    synced()

    db.session.execute(sa.update(Variant).where(Variant.id == world.variant_id).values(price_vnd=99_000)
                       .execution_options(changed_products=frozenset({world.product_id})))
    db.session.commit()

    assert queued() == [world.product_id]


def test_a_rolled_back_transaction_queues_nothing(app, outbox_backend):
    world = World()
    synced()

    db.session.get(Product, world.product_id).name = "Rượu táo mèo"
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # a later, unrelated commit must not queue the abandoned change

    assert queued() == []


def test_with_the_embedded_backend_the_document_is_fresh_at_commit_and_nothing_waits(app):
    from search import service
    from search.query import SearchQuery

    world = World()
    world.stock_at_point(1)

    till.sell(world.point.id, None, _sale(world), new_key())

    assert service.search(SearchQuery(available_in_province=world.point.province_code)).hits == []
    assert queued() == []
