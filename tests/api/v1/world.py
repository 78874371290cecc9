"""A small marketplace with someone in every role, for the tests that call
every operation (the authorization matrix and the fuzzer), and a sample value
for every path parameter in it.

Producer A has an owner, a staff member, a bank account, a draft and an active
product; producer B has its own owner. There is an admin, a shopper, and the operator of display
point P. Whatever only some operations need (an order, stock at P, a transfer
on its way to P, a payout) is made the first time a sample value asks for it.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory
from flask import current_app

from marketplace.accounts.models import User
from marketplace.accounts.services import create_token
from marketplace.catalog.models import Product, ProductStatus, Variant
from marketplace.extensions import db
from marketplace.orders import cart
from marketplace.orders.checkout import checkout
from marketplace.orders.models import Order
from marketplace.orders.schemas import CheckoutSchema
from marketplace.orders import payment_outcomes
from marketplace.payments.models import Refund
from marketplace.payouts.models import BankAccount, Payout, PayoutRail, PayoutRun, PayoutStatus
from marketplace.producers.models import MemberRole, Producer, ProducerMember
from marketplace.showrooms import operations as point_operations
from marketplace.showrooms import services as point_services
from marketplace.showrooms import till as point_till
from marketplace.showrooms import transfers as point_transfers
from marketplace.showrooms.movements import OutLine
from marketplace.showrooms.models import (DisplayPoint, MovementKind, PointOperator, PointType, SalePayment,
                                          StockMovement,
                                          StockTransfer)
from tests import factories
from tests.factories import (DIEN_BIEN, DIEN_BIEN_WARD, MemberFactory, ProducerFactory, ProductFactory, UserFactory,
                             member_of)

WORLD_GTIN = "8936186900990"

ROLES = ("anonymous", "shopper", "owner", "staff", "other_producer", "admin", "operator")

CHECKOUT = {
    "payment_method": "cod",
    "shipping_address": {"recipient_name": "Lò Thị Mai", "phone": "0912345678", "province_code": DIEN_BIEN,
                         "ward_code": DIEN_BIEN_WARD, "street_address": "Bản Hin 1"},
}


@dataclass
class World:
    producer: Producer
    draft: Product
    product: Product
    staff_membership: ProducerMember
    point: DisplayPoint
    users: dict[str, User]
    buyer_role: str
    _tokens: dict = field(default_factory=dict)

    @property
    def variant(self) -> Variant:
        return self.product.variants[0]

    @property
    def buyer(self) -> User:
        """Whose cart, orders and tokens the sample ids name."""
        return self.users[self.buyer_role]

    def token(self, role: str):
        """(ApiToken, plaintext) for `role`'s account, made once."""
        if role not in self._tokens:
            self._tokens[role] = create_token(self.users[role], "world")
        return self._tokens[role]

    def bearer(self, role: str) -> dict:
        return {} if role == "anonymous" else {"Authorization": f"Bearer {self.token(role)[1]}"}

    @cached_property
    def order(self) -> Order:
        """The buyer's cash-on-delivery order for A's product (the variant goes back in the cart after)."""
        cart.set_line(self.buyer, self.variant.id, 1)
        order, _created = checkout(self.buyer, CheckoutSchema().load(CHECKOUT), "world-checkout")
        cart.set_line(self.buyer, self.variant.id, 1)
        return order

    @cached_property
    def saved_address(self):
        """The buyer's saved shipping address (the checkout one)."""
        from marketplace.orders import addresses
        return addresses.add_address(self.buyer, dict(CHECKOUT["shipping_address"], label="Nhà"))

    @cached_property
    def stocked_variant(self) -> Variant:
        """A's variant, in the buyer's cart and in stock at point P."""
        cart.set_line(self.buyer, self.variant.id, 1)
        self._stock(self.point)
        return self.variant

    @cached_property
    def receipt(self) -> StockMovement:
        """The delivery that put A's variant on P's shelf (its receiving note: /diem-ban/<P>/nhap-hang/<id>)."""
        self.stocked_variant
        return db.session.scalars(sa.select(StockMovement).where(
            StockMovement.point_id == self.point.id, StockMovement.kind == MovementKind.RECEIPT)).one()

    @cached_property
    def sale(self) -> StockMovement:
        """A cash sale of A's variant at P (its receipt page)."""
        self.stocked_variant
        sale, _created = point_till.sell(self.point.id, self.users["operator"].id,
                                         point_till.Sale((point_till.SaleLine(self.variant.id, 1),), SalePayment.CASH),
                                         "world-sale")
        return sale

    @cached_property
    def incoming_transfer(self) -> StockTransfer:
        """Stock on its way from another point to P."""
        other = new_point("Điểm OCOP Mường Thanh")
        self._stock(other)
        return point_transfers.transfer_out(other.id, self.users["operator"].id, self.point.id,
                                             [OutLine(self.variant.id, 1)])

    @cached_property
    def refund_awaiting_allocation(self) -> Refund:
        """A refund made in Stripe for the buyer's order that no part took (as for an order of two producers)."""
        refund = payment_outcomes.record_refund(self.order.payment, None, 10_000, "Refunded in Stripe", None,
                                        awaiting_allocation=True)
        db.session.commit()
        return refund

    @cached_property
    def bank_transaction(self):
        """A transfer into the platform's account that names no order, waiting for an admin."""
        from marketplace.banking.models import Action, BankTransaction, Reason, Source, TransactionStatus
        from marketplace.database import utcnow
        transaction = BankTransaction(bank_reference="FT26339000001", amount_vnd=150_000,
                                      description="CHUYEN TIEN", occurred_at=utcnow(), source=Source.WEBHOOK,
                                      status=TransactionStatus.QUEUED, reason=Reason.UNKNOWN_REFERENCE,
                                      suggested_action=Action.REFUND)
        db.session.add(transaction)
        db.session.commit()
        return transaction

    @cached_property
    def payout(self) -> Payout:
        """A bank-transfer payout to A, in transit, in a run of its own."""
        run = PayoutRun(started_by_id=self.users["admin"].id, minimum_vnd=current_app.config["PAYOUT_MINIMUM_VND"])
        payout = Payout(run=run, producer_id=self.producer.id, amount_vnd=500_000, rail=PayoutRail.BANK_TRANSFER,
                        status=PayoutStatus.IN_TRANSIT, bank_bin="970436", bank_name="Vietcombank",
                        account_number="0123456789", holder_name="HTX Mật ong Điện Biên")
        db.session.add(payout)
        db.session.commit()
        return payout

    def _stock(self, point: DisplayPoint) -> None:
        point_services.set_consignment(point.id, self.producer.id, 1500, True)
        point_operations.receive(point.id, self.users["operator"].id, self.producer.id, "PGH-01",
                                 [{"variant_id": self.variant.id, "quantity": 5, "lot_code": "L01"}])


def new_point(name: str) -> DisplayPoint:
    point = DisplayPoint(name=name, point_type=PointType.OCOP_CENTRE, province_code=DIEN_BIEN,
                         ward_code=DIEN_BIEN_WARD)
    db.session.add(point)
    db.session.flush()
    return point


@contextmanager
def _flushing_factories():
    """Factories flush instead of committing each row, so a world is one transaction."""
    model_factories = [f for f in vars(factories).values()
                       if isinstance(f, type) and issubclass(f, SQLAlchemyModelFactory) and not f._meta.abstract]
    saved = {f: f._meta.sqlalchemy_session_persistence for f in model_factories}
    for f in model_factories:
        f._meta.sqlalchemy_session_persistence = "flush"
    try:
        yield
    finally:
        for f, persistence in saved.items():
            f._meta.sqlalchemy_session_persistence = persistence


def build_world(buyer_role: str = "shopper") -> World:
    """A fresh world whose sample ids for carts, orders and tokens are `buyer_role`'s."""
    with _flushing_factories():
        producer = ProducerFactory()
        owner = member_of(producer, MemberRole.OWNER)
        staff_membership = MemberFactory(producer=producer, role=MemberRole.STAFF)
        draft = ProductFactory(producer=producer, status=ProductStatus.DRAFT, published_at=None)
        product = ProductFactory(producer=producer, ocop_document_key=_sample_document())
        product.variants[0].gtin = WORLD_GTIN  # its trace page and stamps (marketplace/traceability)
        users = {
            "shopper": UserFactory(),
            "owner": owner,
            "staff": staff_membership.user,
            "other_producer": member_of(ProducerFactory(), MemberRole.OWNER),
            "admin": UserFactory(is_admin=True),
            "operator": UserFactory(),
        }
        db.session.add(BankAccount(producer_id=producer.id, bank_bin="970436", bank_name="Vietcombank",
                                   account_number="0123456789", holder_name="HTX Mật ong Điện Biên"))
        point = new_point("Trung tâm OCOP Điện Biên")
        db.session.add(PointOperator(point_id=point.id, user_id=users["operator"].id))
    db.session.commit()
    return World(producer, draft, product, staff_membership, point, users,
                 "shopper" if buyer_role == "anonymous" else buyer_role)


# A sample value for every path parameter, by name. The product is the active
# one, because the public product page shows nothing else. Ids of things that
# belong to an account (tokens, orders, cart lines) are the buyer's own.
SAMPLE_PATH_VALUES = {
    "producer_id": lambda world: world.producer.id,
    "product_id": lambda world: world.product.id,
    "variant_id": lambda world: world.stocked_variant.id,
    "member_id": lambda world: world.staff_membership.id,
    "slug": lambda world: world.producer.slug,
    "report": lambda world: "theo-tinh",  # h10: /quan-tri/bao-cao/<report>
    "code": lambda world: DIEN_BIEN,
    "token_id": lambda world: world.token(world.buyer_role)[0].id,
    "order_id": lambda world: world.order.id,
    "sub_order_id": lambda world: world.order.sub_orders[0].id,
    "point_id": lambda world: world.point.id,
    "address_id": lambda world: world.saved_address.id,
    "transfer_id": lambda world: world.incoming_transfer.id,
    "movement_id": lambda world: world.receipt.id,
    "sale_id": lambda world: world.sale.id,
    "user_id": lambda world: world.users["operator"].id,
    "run_id": lambda world: world.payout.run_id,
    "payout_id": lambda world: world.payout.id,
    "refund_id": lambda world: world.refund_awaiting_allocation.id,
    "filename": lambda world: "swagger-ui.css",
    "asset": lambda world: "site.css",
    "token": lambda world: "a-reset-link-that-was-never-mailed",
    "photo": lambda world: _product_photo(world),
    "index": lambda world: _first_photo_index(world),
    "format": lambda world: "csv",
    "change": lambda world: "luu-tru",
    "move": lambda world: "xuong",
    "pending_id": lambda world: _pending_photo(world),
    "job_id": lambda world: _failed_job(),
    "bank_transaction_id": lambda world: world.bank_transaction.id,
    "gtin": lambda world: world.variant.gtin.zfill(14),  # /01/<gtin>: the canonical GTIN-14
    "lot": lambda world: _received_lot(world),  # /01/<gtin>/10/<lot>
}


def _received_lot(world) -> str:
    """The lot point P received of A's variant (stocked_variant puts it there)."""
    world.stocked_variant
    return "L01"


def _pending_photo(world) -> int:
    """A photo of the world's product still being processed (POST .../anh-dang-xu-ly/<id>/xoa)."""
    from marketplace.catalog.job_models import PendingImage
    pending = PendingImage(product_id=world.product.id, stem=f"sp{world.product.id}-world")
    db.session.add(pending)
    db.session.commit()
    return pending.id


def _failed_job() -> str:
    """A job that failed in-process after its retries (POST /quan-tri/cong-viec-loi/<id>/chay-lai)."""
    from marketplace.jobs.models import FailedJobRecord
    record = FailedJobRecord(name="orders.expire_reservations", kwargs={}, error="RuntimeError: the world", attempts=3)
    db.session.add(record)
    db.session.commit()
    return f"db-{record.id}"


def _sample_document() -> str:
    """The certificate's decision document of the world's product (GET .../quyet-dinh)."""
    from marketplace import storage
    key = "giay-to/the-world/quyet-dinh.pdf"
    storage.put(key, b"%PDF-1.4\n%%EOF\n", "application/pdf")
    return key


def _first_photo_index(world) -> int:
    """The world's product with a photo in its list, and that photo's index."""
    world.product.image_urls = ["/anh/" + _product_photo(world)]
    db.session.commit()
    return 0


def _product_photo(world) -> str:
    """A photo of the world's product, drawn as the demo draws them (GET /anh/<photo>)."""
    from marketplace.demo.images import make_product_images
    product = world.product
    urls = make_product_images(producer_slug=product.producer.slug, product_slug=product.slug,
                               name=product.name, group=product.group.value, stars=product.ocop_stars)
    return urls[0].rsplit("/", 1)[1]
