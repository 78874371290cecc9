"""The audit log: every admin action writes one entry, in the action's own
transaction, through whichever door (API or page) it came; entries are never
changed or removed, by the ORM (every backend) nor by SQL (PostgreSQL's trigger)."""

import pytest
import sqlalchemy as sa

from marketplace import audit
from marketplace.audit.models import AuditEntry, AuditLogIsAppendOnly
from marketplace.extensions import db
from marketplace.payments.models import Refund
from marketplace.payouts.models import Payout
from marketplace.producers.models import ProducerStatus
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, ProducerFactory, ProductFactory, UserFactory
from tests.money_helpers import deliver, give_bank_account, place_order, place_paid_order, release_all_delivered
from tests.point_factories import DisplayPointFactory
from tests.money_helpers import fake_stripe_client

NEW_POINT = {"name": "Điểm OCOP Mường Thanh", "point_type": "showroom", "province_code": DIEN_BIEN,
             "ward_code": DIEN_BIEN_WARD, "street_address": "Số 2 Hoàng Văn Thái", "opening_hours": "7:30–21:00",
             "phone": "0215 3825 999"}


def mutating_admin_endpoints(app) -> set[tuple[str, str]]:
    """(endpoint, method) of every write an ADMIN rule guards, API and pages alike."""
    from marketplace.access import ADMIN
    found = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method in rule.methods - {"GET", "HEAD", "OPTIONS"}:
            handler = getattr(getattr(view, "view_class", None), method.lower(), view)
            if getattr(handler, "_access_rule", None) is ADMIN:
                found.add((rule.endpoint, method))
    return found


# --- each admin write through the API, and the action it records ------------------------------

def _pending(_ctx):
    return f"/api/v1/admin/producers/{ProducerFactory(status=ProducerStatus.PENDING, approved_at=None).id}/approve", {}


def _suspend(_ctx):
    return f"/api/v1/admin/producers/{ProducerFactory().id}/suspend", {"reason": "Vi phạm"}


def _verify(_ctx):
    return f"/api/v1/admin/products/{ProductFactory(ocop_verified_at=None).id}/verify-certificate", {}


def _confirm(ctx):
    order = place_order(ctx["shopper"], ProductFactory().variants[0])
    return f"/api/v1/admin/orders/{order.id}/confirm-transfer", {"amount_vnd": order.total_vnd,
                                                                  "bank_reference": "FT123"}


def _refund(ctx):
    order = place_paid_order(ctx["shopper"], ProductFactory().variants[0])
    return (f"/api/v1/admin/orders/{order.id}/sub-orders/{order.sub_orders[0].id}/refunds",
            {"amount_vnd": 10_000, "reason": "Hỏng"})


def _allocate(ctx):
    order = place_paid_order(ctx["shopper"], ProductFactory().variants[0])
    refund = Refund(payment=order.payment, amount_vnd=10_000, reason="Stripe", awaiting_allocation=True)
    order.payment.refunded_vnd += 10_000
    db.session.add(refund)
    db.session.commit()
    return (f"/api/v1/admin/orders/{order.id}/refunds/{refund.id}/allocation",
            {"parts": [{"sub_order_id": order.sub_orders[0].id, "amount_vnd": 10_000}], "reason": "Vỡ"})


def _earning(ctx):
    product = ProductFactory(variant__stock_quantity=50)
    give_bank_account(product.producer)
    deliver(place_paid_order(ctx["shopper"], product.variants[0]).sub_orders[0])
    release_all_delivered()


def _run(ctx):
    _earning(ctx)
    return "/api/v1/admin/payout-runs", {}


def _in_transit_payout(ctx, client, headers, stripe_account=None):
    _earning(ctx)
    client.post("/api/v1/admin/payout-runs", json={}, headers=headers)
    return db.session.scalars(sa.select(Payout).order_by(Payout.id.desc())).first()


def _mark_paid(ctx):
    return f"/api/v1/admin/payouts/{ctx['payout']().id}/mark-paid", {"bank_reference": "VCB-1"}


def _mark_failed(ctx):
    return f"/api/v1/admin/payouts/{ctx['payout']().id}/mark-failed", {"reason": "Sai tài khoản"}


def _rate(_ctx):
    return "/api/v1/admin/commission-rates", {"scope": "group", "key": "food", "rate_bps": 900}


def _point(_ctx):
    return "/api/v1/admin/display-points", NEW_POINT


def _point_patch(_ctx):
    return f"/api/v1/admin/display-points/{DisplayPointFactory().id}", {"opening_hours": "6:00–19:00"}


def _operator(_ctx):
    user = UserFactory()
    return f"/api/v1/admin/display-points/{DisplayPointFactory().id}/operators", {"email": user.email}


def _operator_removed(ctx):
    point, user = DisplayPointFactory(), UserFactory()
    ctx["client"].post(f"/api/v1/admin/display-points/{point.id}/operators", json={"email": user.email},
                       headers=ctx["headers"])
    return f"/api/v1/admin/display-points/{point.id}/operators/{user.id}", None


def _operator_lead(ctx):
    point, user = DisplayPointFactory(), UserFactory()
    ctx["client"].post(f"/api/v1/admin/display-points/{point.id}/operators", json={"email": user.email},
                       headers=ctx["headers"])
    return f"/api/v1/admin/display-points/{point.id}/operators/{user.id}", {"lead": True}


def _consignment(_ctx):
    return (f"/api/v1/admin/display-points/{DisplayPointFactory().id}/consignments/{ProducerFactory().id}",
            {"commission_rate_bps": 1500, "active": True})


def _withholding_rate(_ctx):
    from datetime import timedelta
    from marketplace.clock import today_vn
    return "/api/v1/admin/withholding-rates", {"valid_from": (today_vn() + timedelta(days=30)).isoformat(),
                                               "vat_bps": 100, "pit_bps": 50}


API_CASES = {
    ("admin_producers.Approve", "POST"): (_pending, "producer.approved"),
    ("admin_producers.Suspend", "POST"): (_suspend, "producer.suspended"),
    ("admin_catalog.VerifyCertificate", "POST"): (_verify, "certificate.verified"),
    ("admin_orders.ConfirmTransfer", "POST"): (_confirm, "bank_transfer.confirmed"),
    ("admin_orders.Refunds", "POST"): (_refund, "refund.created"),
    ("admin_orders.RefundAllocation", "POST"): (_allocate, "refund.allocated"),
    ("admin_payouts.PayoutRuns", "POST"): (_run, "payout_run.started"),
    ("admin_payouts.MarkPaid", "POST"): (_mark_paid, "payout.marked_paid"),
    ("admin_payouts.MarkFailed", "POST"): (_mark_failed, "payout.marked_failed"),
    ("admin_payouts.CommissionRates", "PUT"): (_rate, "commission_rate.set"),
    ("admin_display_points.Points", "POST"): (_point, "display_point.created"),
    ("admin_display_points.Point", "PATCH"): (_point_patch, "display_point.updated"),
    ("admin_display_points.Operators", "POST"): (_operator, "point_operator.assigned"),
    ("admin_display_points.Operator", "DELETE"): (_operator_removed, "point_operator.removed"),
    ("admin_display_points.Operator", "PATCH"): (_operator_lead, "point_operator.lead_changed"),
    ("admin_display_points.Consignment", "PUT"): (_consignment, "consignment.set"),
    ("admin_payouts.WithholdingRates", "PUT"): (_withholding_rate, "withholding_rate.set"),
}
# Reconcile needs a Connect payout left unsure by Stripe: test_reconciling_records_one_entry below.
NOT_WALKED_HERE = {("admin_payouts.Reconcile", "POST")}
# The pages call the same services; tests/web/test_backoffice_pages.py asserts each one's entry.
PAGE_ACTIONS = {
    ("admin_producer_pages.approve", "POST"): "producer.approved",
    ("admin_producer_pages.reject", "POST"): "producer.rejected",
    ("admin_catalog_pages.verify", "POST"): "certificate.verified",
    ("admin_order_pages.confirm_transfer", "POST"): "bank_transfer.confirmed",
    ("admin_order_pages.refund", "POST"): "refund.created",
    ("admin_payout_pages.run", "POST"): "payout_run.started",
    ("admin_payout_pages.mark_paid", "POST"): "payout.marked_paid",
    ("admin_payout_pages.mark_failed", "POST"): "payout.marked_failed",
    ("admin_payout_pages.reconcile", "POST"): "payout.reconciled",
}
# h10: the settings pages; tests/web/test_settings_pages.py asserts each one's entry.
PAGE_ACTIONS.update({
    ("admin_pricing_pages.set_group_rate", "POST"): "commission_rate.set",
    ("admin_pricing_pages.set_producer_rate", "POST"): "commission_rate.set",
    ("admin_pricing_pages.remove_rate", "POST"): "commission_rate.removed",
    ("admin_point_pages.create", "POST"): "display_point.created",
    ("admin_point_pages.edit", "POST"): "display_point.updated",
    ("admin_point_pages.set_status", "POST"): "display_point.updated",
    ("admin_point_pages.assign_operator", "POST"): "point_operator.assigned",
    ("admin_point_pages.remove_operator", "POST"): "point_operator.removed",
    ("admin_point_pages.set_operator_lead", "POST"): "point_operator.lead_changed",
    ("admin_point_pages.set_consignment", "POST"): "consignment.set",
})
# Issue #15: decisions on incoming transfers and the statement import; tests/web/test_bank_pages.py asserts each.
PAGE_ACTIONS.update({
    ("admin_bank_pages.confirm", "POST"): "bank_transaction.confirmed",
    ("admin_bank_pages.refund", "POST"): "bank_transaction.refunded",
    ("admin_bank_pages.re_reserve", "POST"): "bank_transaction.re_reserved",
    ("admin_bank_pages.dismiss", "POST"): "bank_transaction.dismissed",
    ("admin_bank_pages.import_statement", "POST"): "bank_statement.imported",
})
# Issue #15: withholding rates; tests/web/test_withholding_rate_pages.py asserts each one's entry.
PAGE_ACTIONS.update({
    ("admin_withholding_pages.set_rate", "POST"): "withholding_rate.set",
    ("admin_withholding_pages.remove_rate", "POST"): "withholding_rate.removed",
})
# Running a failed job again; tests/web/test_failed_jobs_page.py asserts its entry.
PAGE_ACTIONS[("backoffice.run_failed_job_again", "POST")] = "job.run_again"


def test_every_admin_write_is_walked_by_an_audit_test(app):
    """A new admin route (API or page) fails this until its audit entry is tested."""
    walked = set(API_CASES) | NOT_WALKED_HERE | set(PAGE_ACTIONS)

    assert mutating_admin_endpoints(app) - walked == set()


@pytest.mark.parametrize("endpoint", sorted(API_CASES), ids=lambda e: e[0])
def test_every_admin_api_write_records_one_entry_naming_the_admin(app, client, bearer, endpoint):
    admin = UserFactory(email="kiemtra@example.vn", is_admin=True)
    headers = bearer(admin)
    ctx = {"shopper": UserFactory(), "client": client, "headers": headers}
    ctx["payout"] = lambda: _in_transit_payout(ctx, client, headers)
    arrange, action = API_CASES[endpoint]
    path, body = arrange(ctx)
    before = db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0

    response = client.open(path, method=endpoint[1], json=body, headers=headers)

    assert response.status_code < 300, response.get_json()
    db.session.expire_all()
    new = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id > before)).all()
    assert [(e.action, e.actor_id, e.actor_email) for e in new] == [(action, admin.id, "kiemtra@example.vn")]


def test_reconciling_records_one_entry(client, bearer, monkeypatch):
    import stripe
    from marketplace.payouts import stripe_connect
    stripe_client = fake_stripe_client(stripe.APIConnectionError("timed out after it was sent", should_retry=True))
    monkeypatch.setattr(stripe_connect, "client", lambda: stripe_client)
    admin = UserFactory(is_admin=True)
    headers = bearer(admin)
    product = ProductFactory(variant__stock_quantity=50)
    give_bank_account(product.producer, "acct_1PqRsTuVwXyZ0123")
    deliver(place_paid_order(UserFactory(), product.variants[0]).sub_orders[0])
    release_all_delivered()
    [unsure] = client.post("/api/v1/admin/payout-runs", json={}, headers=headers).json["payouts"]

    response = client.post(f"/api/v1/admin/payouts/{unsure['id']}/reconcile", headers=headers)

    assert response.status_code == 200 and response.json["status"] == "paid"
    db.session.expire_all()
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "payout.reconciled")).all()
    assert (entry.actor_id, entry.target_id) == (admin.id, str(unsure["id"]))


def test_a_refused_action_records_nothing(client, bearer):
    headers = bearer(UserFactory(is_admin=True))
    producer = ProducerFactory()  # already approved

    response = client.post(f"/api/v1/admin/producers/{producer.id}/approve", headers=headers)

    assert response.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_the_entry_rolls_back_with_its_action(app):
    from marketplace.database import transactional

    @transactional
    def approve_then_fail():
        audit.record("producer.approved", "producer", 1)
        raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        approve_then_fail()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


# --- append-only ----------------------------------------------------------------------------------

@pytest.fixture
def entry(app):
    made = audit.record("producer.approved", "producer", 1, note="first")
    db.session.commit()
    return made


def test_the_orm_refuses_to_change_an_entry(entry):
    entry.action = "producer.suspended"

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEntry.action)) == "producer.approved"


def test_the_orm_refuses_to_remove_an_entry(entry):
    db.session.delete(entry)

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
def test_postgresql_refuses_update_and_delete_in_sql(backend, entry, statement):
    if backend != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (set TEST_DATABASE_URL); SQLite relies on the ORM's refusal")

    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text(statement))
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEntry.action)) == "producer.approved"
