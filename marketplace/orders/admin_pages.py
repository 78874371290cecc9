"""Back office: orders found by number, reference, email or phone; an order in
full; the bank transfers awaiting confirmation, matched by reference and
amount; refunds. Each action calls the service the API's admin route calls."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.access import ADMIN
from marketplace.errors import DomainError
from marketplace.orders import fulfilment, payment_outcomes, queries, refunds
from marketplace.orders.errors import SubOrderNotFound
from marketplace.orders.admin_forms import ConfirmTransferForm, RefundForm
from marketplace.orders.order_pages import _labels, national_phone  # noqa: F401 (the status labels)
from marketplace.payments.gateway import PaymentProviderError
from marketplace.payments.models import PaymentMethod, PaymentStatus
from marketplace.web.i18n import vnd
from marketplace.web.refusals import show_refusal

blp = Blueprint("admin_order_pages", __name__)
blp.context_processor(_labels)

PER_PAGE = 20


def _page_number() -> int:
    return max(1, min(request.args.get("page", 1, type=int) or 1, 1000))


@blp.get("/quan-tri/don-hang")
@access.requires(ADMIN)
def search():
    q = request.args.get("q", "").strip()[:100]
    page = queries.all_orders(None, None, None, _page_number(), PER_PAGE, q=q or None)
    return render_template("orders/admin/search.html", page=page, q=q)


@blp.get("/quan-tri/chuyen-khoan")
@access.requires(ADMIN)
def transfers():
    q = request.args.get("q", "").strip()[:100]
    page = queries.all_orders(None, PaymentMethod.BANK_TRANSFER, PaymentStatus.PENDING, _page_number(), PER_PAGE,
                              q=q or None)
    return render_template("orders/admin/transfers.html", page=page, q=q, admin_section="backoffice.home")


@blp.get("/quan-tri/don-hang/<int:order_id>")
@access.requires(ADMIN)
def detail(order_id: int):
    return render_template("orders/admin/detail.html", order=fulfilment.any_order(order_id))


@blp.route("/quan-tri/don-hang/<int:order_id>/xac-nhan-chuyen-khoan", methods=["GET", "POST"])
@access.requires(ADMIN)
def confirm_transfer(order_id: int):
    form, problem = ConfirmTransferForm(), None
    if form.validate_on_submit():
        try:
            order = payment_outcomes.confirm_bank_transfer(order_id, form.amount_vnd.data,
                                                           form.bank_reference.data.strip(), current_user.id)
            flash(_("Đã xác nhận chuyển khoản cho đơn %(number)s.", number=order.number))
            return redirect(url_for(".transfers"), code=303)
        except DomainError as error:
            problem = show_refusal(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("orders/admin/confirm_transfer.html", order=fulfilment.any_order(order_id), form=form,
                           problem=problem, admin_section="backoffice.home"), status


@blp.route("/quan-tri/don-hang/<int:order_id>/phan/<int:sub_order_id>/hoan-tien", methods=["GET", "POST"])
@access.requires(ADMIN)
def refund(order_id: int, sub_order_id: int):
    form, problem = RefundForm(), None
    if form.validate_on_submit():
        try:
            refunds.refund(order_id, sub_order_id, form.amount_vnd.data, form.reason.data.strip(), current_user.id)
            flash(_("Đã hoàn %(amount)s.", amount=vnd(form.amount_vnd.data)))
            return redirect(url_for(".detail", order_id=order_id), code=303)
        except PaymentProviderError:  # recorded: sending it to the card is tried again
            flash(_("Đã ghi nhận khoản hoàn; gửi về thẻ chưa được, hệ thống sẽ thử lại."))
            return redirect(url_for(".detail", order_id=order_id), code=303)
        except DomainError as error:
            problem = show_refusal(form, error)
    order = fulfilment.any_order(order_id)
    part = next((s for s in order.sub_orders if s.id == sub_order_id), None)
    if part is None:
        raise SubOrderNotFound()
    return render_template("orders/admin/refund.html", order=order, part=part, form=form, problem=problem,
                           admin_section="admin_order_pages.search"), 422 if request.method == "POST" else 200
