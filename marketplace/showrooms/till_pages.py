"""The till (/diem-ban/<point>/ban-hang), its receipts and the end of day.

The till itself is static/till.js over the operator's JSON API (scan, search, recent items,
the sale with its Idempotency-Key), with the session cookie; this page only carries what it
needs as data- attributes. A receipt and the end of day are plain pages; handing the cash
over is a form (operations.hand_over_cash)."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.accounts.forms import display_phone
from marketplace.showrooms import operations, price_override, receipts
from marketplace.showrooms.access import POINT_OPERATOR
from marketplace.showrooms.models import MoreCashThanHeld
from marketplace.showrooms.point_pages import current_point
from marketplace.showrooms.till_forms import OVERRIDE_REASONS, PAYMENT_METHODS, HandoverForm
from marketplace.web.i18n import vnd

blp = Blueprint("point_till_pages", __name__, url_prefix="/diem-ban/<int:point_id>")

UNPROCESSABLE = 422


@blp.app_context_processor
def _labels():
    return {"TILL_PAYMENT_LABELS": PAYMENT_METHODS, "OVERRIDE_REASON_LABELS": OVERRIDE_REASONS}


@blp.get("/ban-hang")
@access.requires(POINT_OPERATOR)
def till(point_id: int):
    return render_template("showrooms/point/till.html", point=current_point(),
                           is_lead=price_override.is_lead(point_id, current_user.id),
                           bank=current_app.config["PLATFORM_BANK"])


@blp.get("/hoa-don/<int:sale_id>")
@access.requires(POINT_OPERATOR)
def receipt(point_id: int, sale_id: int):
    receipt = receipts.sale_receipt(point_id, sale_id)
    return render_template("showrooms/point/receipt.html", receipt=receipt, phone=display_phone(receipt.point.phone))


def _day(point_id: int, form: HandoverForm, status: int = 200):
    return render_template("showrooms/point/day.html", point=current_point(), sheet=receipts.day_sheet(point_id),
                           form=form), status


@blp.get("/cuoi-ngay")
@access.requires(POINT_OPERATOR)
def day(point_id: int):
    return _day(point_id, HandoverForm(formdata=None))


@blp.post("/cuoi-ngay/ban-giao")
@access.requires(POINT_OPERATOR)
def hand_over(point_id: int):
    form = HandoverForm()
    if form.validate_on_submit():
        try:
            handover = operations.hand_over_cash(point_id, current_user.id, form.amount.data,
                                                 form.reference.data or "")
        except MoreCashThanHeld as refused:
            form.amount.errors.append(_("Nhiều hơn số tiền mặt điểm bán đang giữ (%(held)s). Đếm lại tiền.",
                                        held=vnd(refused.held_vnd)))
        else:
            flash(_("Đã bàn giao %(counted)s. Cần bàn giao %(expected)s, chênh lệch %(difference)s.",
                    counted=vnd(handover.amount_vnd), expected=vnd(handover.held_before_vnd),
                    difference=vnd(handover.difference_vnd)))
            return redirect(url_for(".day", point_id=point_id), code=303)
    return _day(point_id, form, UNPROCESSABLE)
