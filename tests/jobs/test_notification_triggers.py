"""The other triggers, in-process: what each audience is told, once. Read from the mail outbox."""

from datetime import timedelta

import sqlalchemy as sa

from marketplace import jobs
from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.mail.models import OutboundMail
from marketplace.notifications.reminders import certificate_reminders
from marketplace.orders import fulfilment
from marketplace.producers import services as producers
from marketplace.showrooms import services as showrooms, till
from marketplace.showrooms.models import SalePayment
from marketplace.showrooms.till import Sale, SaleLine
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, ProductFactory, UserFactory, member_of
from tests.order_support import place_order
from tests.point_factories import DisplayPointFactory, consign, new_key, receive


def mails(kind=None) -> list[OutboundMail]:
    db.session.rollback()  # the jobs wrote in sessions of their own
    stmt = sa.select(OutboundMail).order_by(OutboundMail.id)
    return db.session.scalars(stmt.where(OutboundMail.kind == kind) if kind else stmt).all()


def test_a_rolled_back_transaction_runs_no_job_and_a_committed_one_runs_it_after_commit(app):
    user = UserFactory()
    db.session.commit()
    jobs.enqueue("notifications.send", kind="payout_paid", user_id=user.id, key="k1", link="", params={"amount": "1"})
    assert mails() == []  # not before the commit
    db.session.rollback()
    db.session.commit()
    assert mails() == []
    jobs.enqueue("notifications.send", kind="payout_paid", user_id=user.id, key="k2", link="", params={"amount": "1"})
    db.session.commit()
    assert [m.kind for m in mails()] == ["payout_paid"]


def test_shipping_tells_the_shopper_the_carrier_and_tracking_and_delivery_tells_them_again(client, bearer):
    honey = ProductFactory()
    owner, shopper = member_of(honey.producer), UserFactory()
    order = place_order(client, bearer(shopper), honey.variants[0].id)
    part = order["sub_orders"][0]["id"]
    fulfilment.pack(honey.producer_id, part, owner.id)
    fulfilment.ship(honey.producer_id, part, owner.id, "Viettel Post", "VTP123")
    [shipped] = mails("sub_order_shipped")
    assert shipped.to_address == shopper.email and "Viettel Post" in shipped.body_text and "VTP123" in shipped.body_html
    fulfilment.cancel_by_producer(honey.producer_id, place_order(client, bearer(shopper), honey.variants[0].id)
                                  ["sub_orders"][0]["id"], owner.id, "Hết hàng")
    [cancelled] = mails("sub_order_cancelled")
    assert cancelled.to_address == owner.email and "Hết hàng" in cancelled.body_text


def test_certificates_are_reminded_90_and_30_days_ahead_once_each(app):
    soon = ProductFactory(ocop_valid_until=today_vn() + timedelta(days=30))
    later = ProductFactory(ocop_valid_until=today_vn() + timedelta(days=90))
    ProductFactory(ocop_valid_until=today_vn() + timedelta(days=200))
    owners = {member_of(soon.producer).email, member_of(later.producer).email}
    db.session.commit()
    assert certificate_reminders() == 2
    assert certificate_reminders(today_vn() + timedelta(days=1)) == 2  # the next day: the same two, not again
    reminded = mails("certificate_expiring")
    assert {m.to_address for m in reminded} == owners and len(reminded) == 2
    assert any("30 ngày" in m.subject for m in reminded) and any("90 ngày" in m.subject for m in reminded)


def test_admins_hear_of_a_new_producer_to_review(app):
    admin = UserFactory(is_admin=True)
    producers.apply(UserFactory(), {"name": "HTX Chè Shan Tuyết", "legal_type": "cooperative", "description": "Chè",
                                    "province_code": DIEN_BIEN, "ward_code": DIEN_BIEN_WARD})
    db.session.commit()
    [review] = mails("producer_to_review")
    assert review.to_address == admin.email and "HTX Chè Shan Tuyết" in review.subject


def test_a_till_sale_down_to_the_threshold_tells_the_producer_once(app):
    honey = ProductFactory()
    owner, point = member_of(honey.producer), DisplayPointFactory()
    consign(point, honey.producer)
    receive(point, honey.variants[0], 5)
    showrooms.set_low_stock_threshold(point.id, honey.variants[0].id, 2)
    for quantity in (2, 1, 1):  # 3 left, then 2 (the threshold), then 1
        till.sell(point.id, None, Sale((SaleLine(honey.variants[0].id, quantity, None),), SalePayment.CASH), new_key())
    [low] = mails("point_stock_low")
    assert low.to_address == owner.email and point.name in low.subject and " 2 " in low.body_text


def test_a_job_that_fails_in_process_is_logged_and_listed_and_the_commit_stands(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", "nonsense://")  # the transport refuses to exist
    user = UserFactory()
    jobs.enqueue("notifications.send", kind="payout_paid", user_id=user.id, key="k3", link="", params={"amount": "1"})
    db.session.commit()  # does not raise
    assert any(job.name == "mail.deliver" and "MAIL_URL" in job.error for job in jobs.failed_jobs())
    assert [m.status.value for m in mails()] == ["queued"]  # still in the outbox, for `mail retry`


def test_with_redis_unreachable_the_commit_stands_and_the_job_is_listed_as_not_enqueued(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    user = UserFactory()
    jobs.enqueue("notifications.send", kind="payout_paid", user_id=user.id, key="k4", link="", params={"amount": "1"})
    db.session.commit()
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    assert any(job.name == "notifications.send" and "not enqueued" in job.error for job in jobs.failed_jobs())


def test_admins_hear_of_a_certificate_to_check(app):
    from datetime import date

    from marketplace.catalog import services as catalog
    from marketplace.catalog.models import IssuingLevel, ProductGroup
    admin = UserFactory(is_admin=True)
    producer = ProductFactory().producer
    catalog.create_product(producer.id, {
        "name": "Chè Shan Tuyết", "group": ProductGroup.BEVERAGES, "description": "Chè", "origin_province_code": DIEN_BIEN,
        "certification": {"stars": 4, "decision_number": "77/QĐ-UBND", "issuing_level": IssuingLevel.PROVINCIAL,
                          "issued_on": date(2025, 3, 1)}})
    [check] = mails("certificate_to_check")
    assert check.to_address == admin.email and "Chè Shan Tuyết" in check.subject
