"""The shopper's cart and checkout pages: parse the form, call the use case the
API calls (cart.put / take_out, placement.place_order), render or redirect.

Checkout without JavaScript is two steps when the shopper types a new address:
"choose the province" re-renders the form with that province's wards (and the
shipping fees to it); static/checkout.js fills the wards in place instead.
"""

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.access import AUTHENTICATED
from marketplace.orders import cart, cart_summary, placement
from marketplace.orders.checkout import EmptyCart, IdempotencyKeyReused, NoSuchSavedAddress, PricesChanged
from marketplace.orders.cart import MAX_LINE_QUANTITY
from marketplace.orders.errors import BadQuantity, CardPaymentsUnavailable, NotInCart
from marketplace.orders.forms import AddToCartForm, CheckoutForm, QuantityForm, province_choices
from marketplace.orders.stock import InsufficientStock
from marketplace.payments.models import PaymentMethod
from marketplace.regions import divisions

blp = Blueprint("cart_pages", __name__)

_REFUSALS = (EmptyCart, InsufficientStock, PricesChanged, NoSuchSavedAddress, CardPaymentsUnavailable,
             IdempotencyKeyReused)


@blp.get("/gio-hang")
@access.requires(AUTHENTICATED)
def view():
    return _cart_page(cart_summary.for_cart_page(current_user, request.args.get("tinh", type=int)))


@blp.post("/gio-hang/them")
@access.requires(AUTHENTICATED)
def add():
    form = AddToCartForm()
    try:
        if form.validate():
            cart.add_line(current_user, form.variant_id.data, form.quantity.data)
    except BadQuantity:
        form.quantity.errors.append(_("Giỏ hàng chứa tối đa %(max)d sản phẩm mỗi loại.", max=MAX_LINE_QUANTITY))
    if form.errors:
        return _cart_page(cart_summary.for_cart_page(current_user, None), 422, problems=form.quantity.errors)
    flash(_("Đã thêm vào giỏ hàng."), "ok")
    return redirect(url_for(".view"), code=303)


@blp.get("/gio-hang/them")
@access.requires(AUTHENTICATED)
def back_to_product():
    """Where the login page returns a shopper who pressed "add to cart" logged out
    (a POST cannot be replayed): the product's page again, to add it now."""
    product_id = request.args.get("san_pham", type=int)
    return redirect(url_for("storefront.product", product_id=product_id) if product_id else url_for(".view"))


@blp.post("/gio-hang/<int:variant_id>")
@access.requires(AUTHENTICATED)
def change(variant_id: int):
    form = QuantityForm()
    if not form.validate():
        return _cart_page(cart_summary.for_cart_page(current_user, None), 422,
                          line_errors={variant_id: (request.form.get("quantity", ""), form.quantity.errors)})
    cart.put(current_user, variant_id, form.quantity.data)
    flash(_("Đã cập nhật số lượng."), "ok")
    return redirect(url_for(".view"), code=303)


@blp.post("/gio-hang/<int:variant_id>/xoa")
@access.requires(AUTHENTICATED)
def remove(variant_id: int):
    try:
        cart.take_out(current_user, variant_id)
    except NotInCart:  # already gone (a second click): the cart as it is says enough
        pass
    flash(_("Đã bỏ sản phẩm khỏi giỏ hàng."), "ok")
    return redirect(url_for(".view"), code=303)


@blp.route("/thanh-toan", methods=["GET", "POST"])
@access.requires(AUTHENTICATED)
def checkout():
    page = cart_summary.for_checkout_page(current_user, _int(request.form.get("province_code")),
                                          request.form.get("address_choice"))
    form = CheckoutForm([m["method"].value for m in page.options["payment_methods"]],
                        [a.id for a in page.saved_addresses])
    if not form.is_submitted():
        return redirect(url_for(".view"), code=303) if page.summary.is_empty else _checkout_page(form, page)
    if "choose_province" in request.form or not form.validate():
        return _checkout_page(form, page, 200 if "choose_province" in request.form else 422)
    try:
        order, _created = placement.place_order(current_user, form.body(), form.idempotency_key.data)
    except _REFUSALS as refusal:
        return _refused(refusal, form, page)
    endpoint = "order_pages.pay" if order.payment_method is PaymentMethod.CARD else "order_pages.detail"
    return redirect(url_for(endpoint, order_id=order.id), code=303)


def _refused(refusal, form, page):
    """The page for each refusal of checkout: the cart (stock, empty), the
    price-change page, or the form again with the message beside its field."""
    if isinstance(refusal, (EmptyCart, InsufficientStock)):
        flash(_("Giỏ hàng của bạn đang trống.") if isinstance(refusal, EmptyCart) else
              _("Một số sản phẩm không còn đủ số lượng bạn chọn. Hãy sửa giỏ hàng theo các cảnh báo rồi đặt lại."),
              "error")
        return redirect(url_for(".view"), code=303)
    if isinstance(refusal, PricesChanged):
        return render_template("orders/price_changed.html", form=form, page=page,
                               changes=cart_summary.price_changes(refusal.changes)), 409
    if isinstance(refusal, NoSuchSavedAddress):
        form.address_choice.errors.append(_("Đây không phải địa chỉ đã lưu của bạn."))
    elif isinstance(refusal, CardPaymentsUnavailable):
        form.payment_method.errors.append(_("Hiện chưa thanh toán được bằng thẻ; hãy chọn cách khác."))
    else:  # the form of an order already placed, changed and sent again: a new attempt
        form.idempotency_key.data = str(uuid.uuid4())
        form.form_errors.append(_("Biểu mẫu này đã được dùng để đặt một đơn hàng khác. Kiểm tra lại rồi đặt hàng."))
    return _checkout_page(form, page, 422)


def _cart_page(summary, status: int = 200, problems=(), line_errors=None):
    return render_template("orders/cart.html", summary=summary, provinces=province_choices(), problems=problems,
                           line_errors=line_errors or {}), status


def _checkout_page(form, page, status: int = 200):
    return render_template("orders/checkout.html", form=form, page=page, provinces=divisions.provinces(),
                           wards=divisions.wards()), status


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
