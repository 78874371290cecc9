"""Loads the demo catalogue from data.py. Idempotent: rows are found by their
natural keys (email, slug, GTIN) and created only when missing."""

from datetime import date

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.schemas import normalise_vn_phone
from marketplace.accounts.services import find_user_by_email
from marketplace.catalog.certification import Certificate, IssuingLevel
from marketplace.catalog.models import NetUnit, Product, ProductGroup, ProductStatus, Variant
from marketplace.database import transactional, utcnow
from marketplace.demo import data, images, points
from marketplace.extensions import db
from marketplace.producers.models import LegalType, MemberRole, Producer, ProducerMember, ProducerStatus
from marketplace.regions import divisions
from marketplace.regions.services import sync_regions
from marketplace.showrooms import operations, services as point_services
from marketplace.showrooms.models import DisplayPoint, PointType


def load_demo() -> dict[str, int]:
    sync_regions()
    created = _load_catalogue()
    created["display points"] = _load_display_points()
    return created


def _load_display_points() -> int:
    """Each step is a service (its own transaction); a point found by name is left as it is."""
    operator = find_user_by_email(data.ACCOUNTS["operator"]["email"])
    created = 0
    for spec in points.POINTS:
        if db.session.scalar(sa.select(DisplayPoint.id).where(DisplayPoint.name == spec["name"])):
            continue
        province_code, ward_code = _place(spec["province"], spec["ward"])
        point = point_services.create_point({
            "name": spec["name"], "point_type": PointType(spec["point_type"]), "province_code": province_code,
            "ward_code": ward_code, "street_address": spec["street_address"],
            "opening_hours": spec["opening_hours"], "phone": _e164(spec["phone"]),
        })
        if spec["operated_by_demo_operator"]:
            point_services.assign_operator(point.id, operator.email)
        if spec.get("lead_operator"):
            point_services.assign_operator(point.id, data.ACCOUNTS[spec["lead_operator"]]["email"], lead=True)
        producers = {p.slug: p for p in db.session.scalars(sa.select(Producer))}
        for slug, rate in spec["consignments"].items():
            point_services.set_consignment(point.id, producers[slug].id, rate, True)
        for producer_slug, product_slug, _label, units, lot, expires in spec["opening_stock"]:
            product = db.session.scalar(sa.select(Product).where(Product.producer_id == producers[producer_slug].id,
                                                                 Product.slug == product_slug))
            operations.receive(point.id, operator.id, product.producer_id, "PGH-DEMO-0001", [{
                "variant_id": product.variants[0].id, "quantity": units, "lot_code": lot,
                "expires_on": date.fromisoformat(expires)}])
        created += 1
    return created


@transactional
def _load_catalogue() -> dict[str, int]:
    created = {"accounts": 0, "producers": 0, "products": 0, "variants": 0}
    for role, account in data.ACCOUNTS.items():
        user = _account(account, created)
        user.is_admin = user.is_admin or role == "admin"
    for spec in data.PRODUCERS:
        _producer(spec, created)
    return created


def _account(spec: dict, created: dict) -> User:
    user = find_user_by_email(spec["email"])
    if user is None:
        user = User(email=spec["email"], full_name=spec["full_name"], password_hash=hash_password(data.DEMO_PASSWORD))
        db.session.add(user)
        db.session.flush()
        created["accounts"] += 1
    return user


def _place(province_codename: str, ward_name: str | None) -> tuple[int, int | None]:
    province = divisions.province_by_codename(province_codename)
    code = int(province.code)
    if ward_name is None:
        return code, None
    ward = next(w for w in divisions.wards().values() if int(w.province_code) == code and w.name == ward_name)
    return code, int(ward.code)


def _producer(spec: dict, created: dict) -> None:
    producer = db.session.scalar(sa.select(Producer).where(Producer.slug == spec["slug"]))
    if producer is None:
        province_code, ward_code = _place(spec["province"], spec.get("ward"))
        producer = Producer(
            slug=spec["slug"], name=spec["name"], legal_type=LegalType(spec["legal_type"]),
            description=spec["description"], province_code=province_code, ward_code=ward_code,
            district_note=spec.get("district_note", ""), street_address=spec.get("street_address", ""),
            phone=_e164(spec.get("phone")), tax_code=spec.get("tax_code"),
            status=ProducerStatus.APPROVED, approved_at=utcnow(),
        )
        db.session.add(producer)
        created["producers"] += 1
        owner = _account(spec["owner"], created)
        producer.members.append(ProducerMember(user_id=owner.id, role=MemberRole.OWNER))
        for staff in spec.get("staff", []):
            producer.members.append(ProducerMember(user_id=_account(staff, created).id, role=MemberRole.STAFF))
        db.session.flush()
    for product_spec in spec["products"]:
        _product(producer, product_spec, created)


def _product(producer: Producer, spec: dict, created: dict) -> None:
    exists = db.session.scalar(sa.select(Product).where(Product.producer_id == producer.id,
                                                        Product.slug == spec["slug"]))
    if exists:
        if not exists.image_urls:  # loaded before the demo had photos
            exists.image_urls = _photos(producer, spec)
        return
    province_code, ward_code = _place(spec["origin_province"], spec.get("origin_ward"))
    product = Product(
        producer=producer, slug=spec["slug"], name=spec["name"], group=ProductGroup(spec["group"]),
        description=spec["description"], origin_province_code=province_code, origin_ward_code=ward_code,
        certifications=spec.get("certifications", []), shelf_life_days=spec.get("shelf_life_days"),
        available_months=spec.get("available_months", []),
        image_urls=spec.get("image_urls") or _photos(producer, spec),
    )
    product.certify(Certificate.issue(
        stars=spec["stars"], decision_number=spec["decision_number"],
        issuing_level=IssuingLevel(spec["issuing_level"]), issued_on=date.fromisoformat(spec["issued_on"]),
    ))
    if spec.get("certification_verified"):
        product.verify_certificate(admin_id=None, now=utcnow())
    for variant in spec["variants"]:
        product.variants.append(Variant(
            label=variant["label"], net_quantity=variant["net_quantity"], net_unit=NetUnit(variant["net_unit"]),
            price_vnd=variant["price_vnd"], gtin=variant.get("gtin"), stock_quantity=variant["stock"], is_active=True,
        ))
        created["variants"] += 1
    product.status = ProductStatus.DRAFT
    product.publish(utcnow())
    db.session.add(product)
    db.session.flush()
    created["products"] += 1


def _photos(producer: Producer, spec: dict) -> list[str]:
    """The product's photos, drawn and stored for the storefront (demo.images)."""
    return images.make_product_images(producer_slug=producer.slug, product_slug=spec["slug"],
                                      name=spec["name"], group=spec["group"], stars=spec["stars"])


def _e164(phone: str | None) -> str | None:
    return normalise_vn_phone(phone) if phone else None
