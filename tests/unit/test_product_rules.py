"""Product, Variant and Producer rules, on objects that never touch a database."""

from datetime import date, datetime, timezone

import pytest

import marketplace.regions.models  # noqa: F401  (Producer and Product relate to Province and Ward by name)
from marketplace.catalog.certification import Certificate, IssuingLevel
from marketplace.catalog.models import (CannotPublish, InvalidProductTransition, NetUnit, NoCertificate, Product,
                                        ProductStatus, Variant)
from marketplace.errors import InvalidInput
from marketplace.producers.models import (InvalidProducerTransition, LastOwner, MemberRole, Producer,
                                          ProducerMember, ProducerStatus)

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc)
ISSUED = date(2025, 3, 18)


def certificate(stars=3, number="123/QĐ-UBND", issued_on=ISSUED):
    level = IssuingLevel.CENTRAL if stars == 5 else IssuingLevel.PROVINCIAL
    return Certificate.issue(stars=stars, decision_number=number, issuing_level=level, issued_on=issued_on)


def variant(is_active=True, stock=5):
    return Variant(label="Hũ 500 g", net_quantity=500, net_unit=NetUnit.GRAM, price_vnd=250_000,
                   stock_quantity=stock, is_active=is_active)


def product(status=ProductStatus.DRAFT, certified=True, variants=None):
    item = Product(name="Mật ong hoa ban", status=status,
                   variants=[variant()] if variants is None else variants)
    if certified:
        item.certify(certificate())
    return item


# --- publishing --------------------------------------------------------------

def test_a_certified_draft_with_an_active_variant_can_be_published():
    item = product()

    item.publish(NOW)

    assert item.status is ProductStatus.ACTIVE
    assert item.published_at == NOW


def test_publishing_without_certificate_or_active_variant_names_both_fields():
    item = product(certified=False, variants=[variant(is_active=False)])

    with pytest.raises(CannotPublish) as refused:
        item.publish(NOW)

    assert set(refused.value.errors["json"]) == {"certification", "variants"}
    assert item.status is ProductStatus.DRAFT


def test_publishing_without_a_certificate_is_refused():
    item = product(certified=False)

    with pytest.raises(CannotPublish) as refused:
        item.publish(NOW)

    assert set(refused.value.errors["json"]) == {"certification"}


def test_publishing_with_no_variants_at_all_is_refused():
    item = product(variants=[])

    with pytest.raises(CannotPublish) as refused:
        item.publish(NOW)

    assert set(refused.value.errors["json"]) == {"variants"}


def test_publishing_twice_is_an_invalid_transition():
    item = product()
    item.publish(NOW)

    with pytest.raises(InvalidProductTransition):
        item.publish(NOW)


def test_an_archived_product_can_be_published_again():
    item = product(status=ProductStatus.ARCHIVED)

    item.publish(NOW)

    assert item.status is ProductStatus.ACTIVE


def test_unpublishing_returns_a_published_product_to_draft():
    item = product(status=ProductStatus.ACTIVE)

    item.unpublish()

    assert item.status is ProductStatus.DRAFT


@pytest.mark.parametrize("status", [ProductStatus.DRAFT, ProductStatus.ARCHIVED])
def test_only_a_published_product_can_be_unpublished(status):
    with pytest.raises(InvalidProductTransition):
        product(status=status).unpublish()


@pytest.mark.parametrize("status", [ProductStatus.DRAFT, ProductStatus.ACTIVE])
def test_drafts_and_published_products_can_be_archived(status):
    item = product(status=status)

    item.archive()

    assert item.status is ProductStatus.ARCHIVED


def test_archiving_twice_is_an_invalid_transition():
    with pytest.raises(InvalidProductTransition):
        product(status=ProductStatus.ARCHIVED).archive()


# --- certification -----------------------------------------------------------

def test_certify_records_every_part_of_the_certificate():
    item = product(certified=False)

    item.certify(certificate(stars=5, number="2652/QĐ-BNN-VPĐP"))

    assert item.certificate == certificate(stars=5, number="2652/QĐ-BNN-VPĐP")
    assert (item.ocop_stars, item.ocop_issuing_level) == (5, IssuingLevel.CENTRAL)


def test_a_new_certificate_clears_the_admins_verification():
    item = product()
    item.verify_certificate(admin_id=1, now=NOW)

    item.certify(certificate(stars=4, number="456/QĐ-UBND"))

    assert item.ocop_verified_at is None
    assert item.ocop_verified_by_id is None


def test_recording_the_same_certificate_again_keeps_the_verification():
    item = product()
    item.verify_certificate(admin_id=1, now=NOW)

    item.certify(certificate())

    assert item.ocop_verified_at == NOW
    assert item.ocop_verified_by_id == 1


def test_verifying_a_product_without_certificate_is_refused():
    with pytest.raises(NoCertificate):
        product(certified=False).verify_certificate(admin_id=1, now=NOW)


def test_a_product_claims_its_stars_while_the_verified_certificate_is_in_force():
    item = product()
    item.verify_certificate(admin_id=1, now=NOW)

    assert item.claimed_stars(date(2028, 3, 18)) == 3


def test_a_product_claims_no_stars_once_its_certificate_has_expired():
    item = product()
    item.verify_certificate(admin_id=1, now=NOW)

    assert item.claimed_stars(date(2028, 3, 19)) is None


def test_a_self_declared_certificate_claims_no_stars_until_an_admin_verifies_it():
    item = product()

    assert item.claimed_stars(date(2028, 3, 18)) is None
    assert item.verified_stars is None
    item.verify_certificate(admin_id=1, now=NOW)
    assert item.verified_stars == 3


def test_a_changed_certificate_claims_no_stars_until_verified_again():
    item = product()
    item.verify_certificate(admin_id=1, now=NOW)

    item.certify(certificate(stars=4, number="456/QĐ-UBND"))

    assert item.claimed_stars(date(2027, 1, 1)) is None
    assert item.ocop_declared_at is not None


def test_a_product_without_certificate_claims_no_stars():
    assert product(certified=False).claimed_stars(date(2026, 1, 1)) is None


# --- variants ----------------------------------------------------------------

def test_set_stock_records_a_new_count():
    item = variant(stock=5)

    item.set_stock(0)

    assert item.stock_quantity == 0


def test_set_stock_refuses_a_negative_count():
    item = variant(stock=5)

    with pytest.raises(InvalidInput) as refused:
        item.set_stock(-1)

    assert "stock_quantity" in refused.value.errors["json"]
    assert item.stock_quantity == 5


@pytest.mark.parametrize("is_active, stock, in_stock", [(True, 1, True), (True, 0, False), (False, 5, False)])
def test_a_variant_is_in_stock_only_when_active_with_stock_left(is_active, stock, in_stock):
    assert variant(is_active=is_active, stock=stock).in_stock is in_stock


# --- producers ---------------------------------------------------------------

def producer(status, roles=(MemberRole.OWNER,)):
    return Producer(name="Hợp tác xã Tài Hoan", status=status, status_reason="",
                    members=[ProducerMember(role=role) for role in roles])


def test_approving_a_pending_producer_records_when():
    item = producer(ProducerStatus.PENDING)

    item.approve(NOW)

    assert item.status is ProducerStatus.APPROVED
    assert item.approved_at == NOW
    assert item.is_public


def test_reinstating_a_suspended_producer_clears_the_reason():
    item = producer(ProducerStatus.SUSPENDED)
    item.status_reason = "Hồ sơ thiếu giấy phép"

    item.approve(NOW)

    assert item.status is ProducerStatus.APPROVED
    assert item.status_reason == ""


def test_approving_an_approved_producer_is_an_invalid_transition():
    with pytest.raises(InvalidProducerTransition):
        producer(ProducerStatus.APPROVED).approve(NOW)


@pytest.mark.parametrize("status", [ProducerStatus.PENDING, ProducerStatus.APPROVED])
def test_suspending_records_the_reason_and_hides_the_producer(status):
    item = producer(status)

    item.suspend("Giấy chứng nhận OCOP giả")

    assert item.status is ProducerStatus.SUSPENDED
    assert item.status_reason == "Giấy chứng nhận OCOP giả"
    assert not item.is_public


def test_suspending_a_suspended_producer_is_an_invalid_transition():
    with pytest.raises(InvalidProducerTransition):
        producer(ProducerStatus.SUSPENDED).suspend("again")


def test_the_only_owner_cannot_leave():
    item = producer(ProducerStatus.APPROVED, roles=(MemberRole.OWNER, MemberRole.STAFF))

    with pytest.raises(LastOwner):
        item.ensure_keeps_an_owner(item.members[0])


def test_one_of_two_owners_may_leave():
    item = producer(ProducerStatus.APPROVED, roles=(MemberRole.OWNER, MemberRole.OWNER))

    item.ensure_keeps_an_owner(item.members[0])


def test_staff_may_always_leave():
    item = producer(ProducerStatus.APPROVED, roles=(MemberRole.OWNER, MemberRole.STAFF))

    item.ensure_keeps_an_owner(item.members[1])
