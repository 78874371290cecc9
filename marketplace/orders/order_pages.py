"""The shopper's order pages: an order (its confirmation after checkout), my
orders, and card payment. Each view parses the URL or form, calls the use case
the API calls (fulfilment, placement, queries), and renders; which buttons an
order shows comes from the domain (fulfilment.cancellable_by_shopper,
fulfilment.may_confirm_received), and the services decide again on POST."""

from urllib.parse import urlsplit

import phonenumbers
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from marketplace import access
from marketplace.access import AUTHENTICATED
from marketplace.orders import fulfilment, placement, queries
from marketplace.orders.transfer_qr import awaits_transfer
from marketplace.orders.errors import NotCancellable
from marketplace.orders.lifecycle import IllegalTransition, OrderStatus, SubOrderStatus
from marketplace.orders.order_forms import CancelForm, ConfirmReceivedForm
from marketplace.payments.gateway import PaymentProviderError
from marketplace.payments.models import PaymentMethod, PaymentStatus
from marketplace.payments.options import platform_bank
from marketplace.web import security

blp = Blueprint("order_pages", __name__)

PER_PAGE = 10
MAX_PAGE = 1000
# What Stripe.js itself loads, frames and calls (Stripe's documented CSP), beside STRIPE_JS_URL's own origin.
STRIPE_SCRIPTS = ("https://*.js.stripe.com",)
STRIPE_FRAMES = ("https://*.js.stripe.com", "https://hooks.stripe.com")
STRIPE_CONNECT = ("https://api.stripe.com",)

ORDER_STATUSES = {
    OrderStatus.PENDING_PAYMENT: _l("Chờ thanh toán"), OrderStatus.IN_PROGRESS: _l("Đang chuẩn bị"),
    OrderStatus.PARTIALLY_SHIPPED: _l("Đã gửi một phần"), OrderStatus.SHIPPED: _l("Đang giao"),
    OrderStatus.DELIVERED: _l("Đã giao"), OrderStatus.COMPLETED: _l("Hoàn tất"),
    OrderStatus.CANCELLED: _l("Đã huỷ"), OrderStatus.REFUNDED: _l("Đã hoàn tiền"),
}
PART_STATUSES = {
    SubOrderStatus.PENDING_PAYMENT: _l("Chờ thanh toán"), SubOrderStatus.CONFIRMED: _l("Đã xác nhận"),
    SubOrderStatus.PACKED: _l("Đã đóng gói"), SubOrderStatus.SHIPPED: _l("Đang giao"),
    SubOrderStatus.DELIVERED: _l("Đã giao"), SubOrderStatus.COMPLETED: _l("Hoàn tất"),
    SubOrderStatus.CANCELLED: _l("Đã huỷ"), SubOrderStatus.REFUNDED: _l("Đã hoàn tiền"),
}
PAYMENT_METHODS = {
    PaymentMethod.COD: _l("Thanh toán khi nhận hàng (COD)"), PaymentMethod.BANK_TRANSFER: _l("Chuyển khoản"),
    PaymentMethod.CARD: _l("Thẻ ngân hàng"),
}
PAYMENT_STATUSES = {
    PaymentStatus.PENDING: _l("Chưa thanh toán"), PaymentStatus.SUCCEEDED: _l("Đã thanh toán"),
    PaymentStatus.FAILED: _l("Thanh toán chưa thành công"), PaymentStatus.CANCELLED: _l("Đã huỷ thanh toán"),
}


@blp.context_processor
def _labels():
    return {"ORDER_STATUS_LABELS": ORDER_STATUSES, "PART_STATUS_LABELS": PART_STATUSES,
            "PAYMENT_METHOD_LABELS": PAYMENT_METHODS, "PAYMENT_STATUS_LABELS": PAYMENT_STATUSES,
            "PaymentMethod": PaymentMethod, "PaymentStatus": PaymentStatus, "national_phone": national_phone,
            "awaits_transfer": awaits_transfer}


def national_phone(e164: str) -> str:
    """+84912345678 as a Vietnamese reads it: 0912 345 678."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, "VN"), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return e164


@blp.get("/don-hang")
@access.requires(AUTHENTICATED)
def mine():
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    orders = queries.orders_of(current_user, None, page, PER_PAGE)
    return render_template("orders/my_orders.html", orders=orders, bank=platform_bank())


@blp.get("/don-hang/<int:order_id>")
@access.requires(AUTHENTICATED)
def detail(order_id: int):
    return _detail_page(fulfilment.order_of(current_user, order_id))


@blp.post("/don-hang/<int:order_id>/huy")
@access.requires(AUTHENTICATED)
def cancel(order_id: int):
    form = CancelForm()
    if not form.validate_on_submit():
        return _detail_page(fulfilment.order_of(current_user, order_id), cancel_form=form, status=422)
    try:
        fulfilment.cancel_by_shopper(current_user, order_id, form.reason.data)
        flash(_("Đơn hàng đã được huỷ."))
    except (NotCancellable, IllegalTransition):
        return _refused(order_id, _("Đơn hàng không thể huỷ nữa: các phần đã được gửi đi."))
    except PaymentProviderError:  # the cancellation stands; the refund is sent again later
        flash(_("Đơn hàng đã được huỷ. Tiền sẽ được hoàn lại vào thẻ sau ít phút."))
    return redirect(url_for(".detail", order_id=order_id), code=303)


@blp.post("/don-hang/<int:order_id>/phan/<int:sub_order_id>/da-nhan")
@access.requires(AUTHENTICATED)
def confirm_received(order_id: int, sub_order_id: int):
    if not ConfirmReceivedForm().validate_on_submit():
        abort(400)
    try:
        fulfilment.confirm_received(current_user, order_id, sub_order_id)
    except IllegalTransition:
        return _refused(order_id, _("Chỉ xác nhận được phần đơn hàng đã giao tới bạn."))
    flash(_("Cảm ơn bạn đã xác nhận đã nhận hàng."))
    return redirect(url_for(".detail", order_id=order_id), code=303)


@blp.get("/don-hang/<int:order_id>/thanh-toan-the")
@access.requires(AUTHENTICATED)
def pay(order_id: int):
    try:
        order = placement.open_card_payment(current_user, order_id)
    except PaymentProviderError:
        return render_template("orders/pay_card.html", order=fulfilment.order_of(current_user, order_id),
                               unavailable=True), 503
    if not _awaits_card(order.payment):  # paid, cancelled, or not by card: the order says which
        return redirect(url_for(".detail", order_id=order.id), code=303)
    _allow_stripe_js()
    return render_template("orders/pay_card.html", order=order, stripe_js_url=current_app.config["STRIPE_JS_URL"],
                           publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"])


def _detail_page(order, cancel_form=None, status=200, problem=None):
    return render_template(
        "orders/order_detail.html", order=order, cancel_form=cancel_form or CancelForm(formdata=None),
        confirm_form=ConfirmReceivedForm(formdata=None), cancellable=fulfilment.cancellable_by_shopper(order),
        may_confirm_received=fulfilment.may_confirm_received, bank=platform_bank(), problem=problem,
        confirming=request.args.get("the") == "da-gui"), status


def _refused(order_id: int, problem: str):
    """The service refused the move (the order changed meanwhile): the order as it is now, and why."""
    return _detail_page(fulfilment.order_of(current_user, order_id), status=409, problem=problem)


def _awaits_card(payment) -> bool:
    return payment.method is PaymentMethod.CARD and payment.is_open and bool(payment.stripe_client_secret)


def _allow_stripe_js() -> None:
    """This page only: Stripe.js's script, its frames and its API calls (localstripe's origin in tests)."""
    url = urlsplit(current_app.config["STRIPE_JS_URL"])
    origin = f"{url.scheme}://{url.netloc}"
    security.allow_sources(script_src=[origin, *STRIPE_SCRIPTS], frame_src=[origin, *STRIPE_FRAMES],
                           connect_src=[origin, *STRIPE_CONNECT])
