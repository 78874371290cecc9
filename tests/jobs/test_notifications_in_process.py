"""Notifications through the in-process job runner (no REDIS_URL): real SMTP on loopback."""

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.jobs.queue import dispatch
from marketplace.mail.models import OutboundMail
from marketplace.notifications import services
from marketplace.notifications.models import SentNotification
from marketplace.notifications.preferences import set_preferences
from tests.factories import ProductFactory, UserFactory, member_of
from tests.mail_support import smtp_server  # noqa: F401
from tests.order_support import place_order


def test_an_order_placed_mails_the_shopper_and_the_producer_in_their_languages(client, bearer, smtp_server):
    honey = ProductFactory()
    owner = member_of(honey.producer, locale="en")
    shopper = UserFactory(locale="vi")
    order = place_order(client, bearer(shopper), honey.variants[0].id)
    mails = {m["To"]: m for m in smtp_server.wait_for(2)}
    to_shopper, to_owner = mails[shopper.email], mails[owner.email]
    assert order["number"] in to_shopper["Subject"] and to_shopper["Subject"].startswith("Đã nhận đơn hàng")
    assert to_owner["Subject"] == f"New order {order['number']}"
    html = to_owner.get_body(("html",)).get_content()
    assert f"New order {order['number']}" in html and f"/don-hang/{order['id']}" not in html
    assert "You have a new order" in to_owner.get_body(("plain",)).get_content()
    assert "/tai-khoan/thong-bao" in html


def test_the_same_notification_job_run_twice_mails_once(app, smtp_server):
    user = UserFactory()
    db.session.commit()
    for _ in range(2):
        dispatch("notifications.send", kind="payout_paid", user_id=user.id, key=f"payout_paid:7:{user.id}",
                 link="", params={"amount": "320.000 ₫"})
    smtp_server.wait_for(1)
    assert len(smtp_server) == 1 and "320.000 ₫" in smtp_server[0]["Subject"]
    db.session.rollback()  # the jobs wrote in sessions of their own: end this one's snapshot
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SentNotification)) == 1


def test_a_rolled_back_transaction_enqueues_no_job(app, smtp_server):
    user = UserFactory()
    db.session.commit()
    services.notify("payout_paid", user.id, "8", amount="1 ₫")
    db.session.rollback()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 0
    assert smtp_server == []


def test_an_opted_out_kind_is_not_sent_but_security_mail_always_is(app, smtp_server):
    user = UserFactory()
    db.session.commit()
    assert set_preferences(user, wanted=set())["order_placed"] is False
    services.notify("order_placed", user.id, "1", number="OC1", total="1 ₫")
    services.notify("password_changed", user.id, "1")
    db.session.commit()
    smtp_server.wait_for(1)
    assert [m["Subject"] for m in smtp_server] == ["Mật khẩu của bạn đã được đổi"]
    assert "thong-bao" not in smtp_server[0].get_body(("plain",)).get_content()
