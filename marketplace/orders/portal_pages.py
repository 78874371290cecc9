"""The producer portal's order pages: the inbox, one part of an order, its
packing slip, and the fulfilment actions. Each action is a POST form calling
the fulfilment service the API calls (orders/portal.py); which buttons show
comes from lifecycle.allows(), and the service decides again on POST."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.orders import fulfilment, queries
from marketplace.orders.errors import CashNotRecorded, CashOnlyOnDelivery
from marketplace.orders.lifecycle import Actor, IllegalTransition, SubOrderStatus, allows
from marketplace.orders.order_pages import PART_STATUSES, PAYMENT_METHODS, PAYMENT_STATUSES, national_phone
from marketplace.orders.portal_forms import DeliverForm, InboxFilterForm, PackForm, ProducerCancelForm, ShipForm
from marketplace.payments.gateway import PaymentProviderError
from marketplace.payments.models import PaymentMethod
from marketplace.producers.access import PRODUCER_MEMBER
from marketplace.web.i18n import vnd

blp = Blueprint("portal_order_pages", __name__, url_prefix="/kenh-nguoi-ban/<int:producer_id>/don-hang")

PER_PAGE = 20


@blp.context_processor
def _labels():
    return {"PART_STATUS_LABELS": PART_STATUSES, "PAYMENT_METHOD_LABELS": PAYMENT_METHODS,
            "PAYMENT_STATUS_LABELS": PAYMENT_STATUSES, "national_phone": national_phone,
            "may": lambda sub_order, target: allows(sub_order.status, SubOrderStatus(target), Actor.PRODUCER),
            "PaymentMethod": PaymentMethod}


@blp.get("")
@access.requires(PRODUCER_MEMBER)
def inbox(producer_id: int):
    form = InboxFilterForm(PART_STATUSES, formdata=request.args)
    valid = form.validate()
    page = max(request.args.get("page", 1, type=int), 1)
    sub_orders = queries.sub_orders_of(producer_id, form.status, form.tu_ngay.data, form.den_ngay.data, page,
                                       PER_PAGE, q=form.q.data) if valid else None
    return render_template("portal/orders/inbox.html", form=form, sub_orders=sub_orders), 200 if valid else 422


@blp.get("/<int:sub_order_id>")
@access.requires(PRODUCER_MEMBER)
def detail(producer_id: int, sub_order_id: int):
    return _detail(producer_id, sub_order_id)


@blp.get("/<int:sub_order_id>/phieu-dong-goi")
@access.requires(PRODUCER_MEMBER)
def packing_slip(producer_id: int, sub_order_id: int):
    return render_template("portal/orders/packing_slip.html",
                           sub_order=fulfilment.sub_order_of(producer_id, sub_order_id))


@blp.post("/<int:sub_order_id>/dong-goi")
@access.requires(PRODUCER_MEMBER)
def pack(producer_id: int, sub_order_id: int):
    form = PackForm()
    if not form.validate_on_submit():
        return _detail(producer_id, sub_order_id, status=400, problem=_csrf_problem())
    return _act(producer_id, sub_order_id, _("Đã đánh dấu đã đóng gói."),
                lambda: fulfilment.pack(producer_id, sub_order_id, current_user.id))


@blp.post("/<int:sub_order_id>/gui-hang")
@access.requires(PRODUCER_MEMBER)
def ship(producer_id: int, sub_order_id: int):
    form = ShipForm()
    if not form.validate_on_submit():
        return _detail(producer_id, sub_order_id, status=422, ship_form=form)
    return _act(producer_id, sub_order_id, _("Đã giao cho đơn vị vận chuyển."), lambda: fulfilment.ship(
        producer_id, sub_order_id, current_user.id, form.carrier.data, form.tracking_number.data))


@blp.post("/<int:sub_order_id>/da-giao")
@access.requires(PRODUCER_MEMBER)
def deliver(producer_id: int, sub_order_id: int):
    form = DeliverForm()
    if form.validate_on_submit():
        try:
            return _act(producer_id, sub_order_id, _("Đã đánh dấu đã giao."), lambda: fulfilment.deliver(
                producer_id, sub_order_id, current_user.id, form.cash_collected_vnd.data))
        except CashNotRecorded:
            due = fulfilment.sub_order_of(producer_id, sub_order_id).total_vnd
            form.cash_collected_vnd.errors.append(_("Số tiền phải đúng bằng số cần thu: %(due)s.", due=vnd(due)))
        except CashOnlyOnDelivery:
            form.cash_collected_vnd.errors.append(_("Chỉ ghi tiền mặt cho đơn thanh toán khi nhận hàng."))
    return _detail(producer_id, sub_order_id, status=422, deliver_form=form)


@blp.post("/<int:sub_order_id>/huy")
@access.requires(PRODUCER_MEMBER)
def cancel(producer_id: int, sub_order_id: int):
    form = ProducerCancelForm()
    if not form.validate_on_submit():
        return _detail(producer_id, sub_order_id, status=422, cancel_form=form)
    try:
        return _act(producer_id, sub_order_id, _("Đã huỷ phần đơn hàng; người mua được hoàn tiền."),
                    lambda: fulfilment.cancel_by_producer(producer_id, sub_order_id, current_user.id,
                                                          form.reason.data))
    except PaymentProviderError:  # the cancellation stands; the refund is retried later
        flash(_("Đã huỷ phần đơn hàng. Tiền sẽ được hoàn lại cho người mua sau ít phút."))
        return redirect(url_for(".detail", producer_id=producer_id, sub_order_id=sub_order_id), code=303)


def _act(producer_id: int, sub_order_id: int, done: str, action):
    """Run one fulfilment service; on a refused move, the part as it is now and why."""
    try:
        action()
    except IllegalTransition:
        return _detail(producer_id, sub_order_id, status=409,
                       problem=_("Phần đơn hàng đã thay đổi nên không thể làm việc này nữa."))
    flash(done)
    return redirect(url_for(".detail", producer_id=producer_id, sub_order_id=sub_order_id), code=303)


def _detail(producer_id: int, sub_order_id: int, status: int = 200, problem: str | None = None, **forms):
    sub_order = fulfilment.sub_order_of(producer_id, sub_order_id)
    forms = {"pack_form": PackForm(formdata=None), "ship_form": ShipForm(formdata=None),
             "deliver_form": DeliverForm(formdata=None), "cancel_form": ProducerCancelForm(formdata=None), **forms}
    return render_template("portal/orders/detail.html", sub_order=sub_order, problem=problem, **forms), status


def _csrf_problem() -> str:
    return _("Phiên làm việc đã hết hạn. Vui lòng gửi lại biểu mẫu.")
