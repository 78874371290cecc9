"""The rates of the tax withheld for household businesses, as an admin settings page
(/quan-tri/cai-dat/thue-khau-tru), over pricing/withholding_rates.py: the rates in force and
to come, a new rate from a day to come, and removing one not yet in force."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.access import ADMIN
from marketplace.clock import today_vn
from marketplace.pricing import withholding_rates
from marketplace.pricing.forms import bps_to_percent
from marketplace.pricing.withholding_forms import RemoveWithholdingRateForm, WithholdingRateForm

blp = Blueprint("admin_withholding_pages", __name__, url_prefix="/quan-tri/cai-dat/thue-khau-tru")

UNPROCESSABLE = 422


def _page(form=None, message=None, status=200):
    return render_template("pricing/admin_withholding.html", rates=withholding_rates.rates(), today=today_vn(),
                           in_force=withholding_rates.rate_on(today_vn()), percent=bps_to_percent,
                           message=message, form=form or WithholdingRateForm(formdata=None),
                           remove_form=RemoveWithholdingRateForm(formdata=None)), status


@blp.get("")
@access.requires(ADMIN)
def rates():
    return _page()


@blp.post("")
@access.requires(ADMIN)
def set_rate():
    form = WithholdingRateForm()
    if not form.validate_on_submit():
        return _page(form, status=UNPROCESSABLE)
    try:
        withholding_rates.set_rate(form.valid_from.data, form.vat.bps, form.pit.bps, current_user.id)
    except withholding_rates.RateNotInFuture:
        form.valid_from.errors.append(_("Chọn một ngày sau hôm nay (giờ Việt Nam): mức đã áp dụng không được sửa."))
        return _page(form, status=UNPROCESSABLE)
    flash(_("Đã lưu mức thuế khấu trừ. Mức mới áp dụng cho đơn bán ghi nhận từ ngày đó."))
    return redirect(url_for(".rates"), code=303)


@blp.post("/xoa")
@access.requires(ADMIN)
def remove_rate():
    form = RemoveWithholdingRateForm()
    try:
        valid_from = date.fromisoformat(form.valid_from.data or "") if form.validate_on_submit() else None
        if valid_from is None:
            raise ValueError
        withholding_rates.remove_rate(valid_from, current_user.id)
    except (ValueError, withholding_rates.RateNotInFuture):
        return _page(message=_("Không xoá được mức này: chỉ xoá được mức chưa áp dụng."), status=UNPROCESSABLE)
    flash(_("Đã xoá mức thuế khấu trừ chưa áp dụng."))
    return redirect(url_for(".rates"), code=303)
