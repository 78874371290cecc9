"""One factory per model, so a test states only what matters to it."""

from datetime import date, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.catalog.models import NetUnit, Product, ProductGroup, ProductStatus, Variant
from marketplace.catalog.certification import IssuingLevel
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.producers.models import LegalType, MemberRole, Producer, ProducerMember, ProducerStatus

PASSWORD = "correct horse battery"
DIEN_BIEN = 11
DIEN_BIEN_WARD = 3356  # Xã Sam Mứn
HA_NOI = 1


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    is_admin = False
    active = True


class ProducerFactory(Base):
    class Meta:
        model = Producer

    slug = factory.Sequence(lambda n: f"htx-{n}")
    name = factory.Sequence(lambda n: f"Hợp tác xã Số {n}")
    legal_type = LegalType.COOPERATIVE
    description = "Sản phẩm OCOP của địa phương."
    province_code = DIEN_BIEN
    ward_code = DIEN_BIEN_WARD
    status = ProducerStatus.APPROVED
    approved_at = factory.LazyFunction(utcnow)


class MemberFactory(Base):
    class Meta:
        model = ProducerMember

    producer = factory.SubFactory(ProducerFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.OWNER


class ProductFactory(Base):
    """An active, certified (3★, valid, verified) product with one variant in stock."""

    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    slug = factory.Sequence(lambda n: f"san-pham-{n}")
    name = factory.Sequence(lambda n: f"Mật ong hoa ban {n}")
    group = ProductGroup.FOOD
    description = "Mật ong nguyên chất."
    origin_province_code = DIEN_BIEN
    ocop_stars = 3
    ocop_decision_number = "123/QĐ-UBND"
    ocop_issuing_level = IssuingLevel.PROVINCIAL
    ocop_issued_on = factory.LazyFunction(lambda: date.today() - timedelta(days=100))
    ocop_valid_until = factory.LazyFunction(lambda: date.today() + timedelta(days=900))
    ocop_verified_at = factory.LazyFunction(utcnow)
    status = ProductStatus.ACTIVE
    published_at = factory.LazyFunction(utcnow)
    image_urls = factory.LazyFunction(list)
    certifications = factory.LazyFunction(list)
    available_months = factory.LazyFunction(list)
    variant = factory.RelatedFactory("tests.factories.VariantFactory", factory_related_name="product")


class VariantFactory(Base):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory, variant=None)
    label = "Chai 500 ml"
    net_quantity = 500
    net_unit = NetUnit.MILLILITRE
    price_vnd = 250_000
    stock_quantity = 20
    is_active = True


def member_of(producer, role=MemberRole.OWNER, **user_fields):
    """A new account with `role` at `producer`."""
    return MemberFactory(producer=producer, role=role, user=UserFactory(**user_fields)).user
