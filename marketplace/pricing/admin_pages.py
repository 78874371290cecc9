"""Commission rates as admin settings pages (/quan-tri/cai-dat/hoa-hong), over the use cases the
admin API calls (pricing/commission.py ``list_rates``, ``set_rate``). There are no effective dates:
a change applies to orders placed after it, since each order line keeps the rate it was sold at."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from marketplace import access
from marketplace.access import ADMIN
from marketplace.pricing import commission
from marketplace.pricing.forms import GroupRateForm, ProducerRateForm, RemoveRateForm, bps_to_percent, producer_choices

blp = Blueprint("admin_pricing_pages", __name__, url_prefix="/quan-tri/cai-dat/hoa-hong")

UNPROCESSABLE = 422


def _page(group_form=None, producer_form=None, message=None, status=200):
    return render_template("pricing/admin_rates.html", rates=commission.list_rates(), message=message,
                           default_bps=current_app.config["COMMISSION_DEFAULT_BPS"], percent=bps_to_percent,
                           producer_names=dict(producer_choices()), remove_form=RemoveRateForm(formdata=None),
                           group_form=group_form or GroupRateForm(formdata=None),
                           producer_form=producer_form or ProducerRateForm(formdata=None)), status


def _done(message: str):
    flash(message)
    return redirect(url_for(".rates"), code=303)


@blp.get("")
@access.requires(ADMIN)
def rates():
    return _page()


@blp.post("/nhom")
@access.requires(ADMIN)
def set_group_rate():
    form = GroupRateForm()
    if not form.validate_on_submit():
        return _page(group_form=form, status=UNPROCESSABLE)
    commission.set_rate("group", form.group.data, form.rate.bps)
    return _done(_("Đã lưu mức hoa hồng của nhóm. Mức mới áp dụng cho đơn đặt từ bây giờ."))


@blp.post("/chu-the")
@access.requires(ADMIN)
def set_producer_rate():
    form = ProducerRateForm()
    if not form.validate_on_submit():
        return _page(producer_form=form, status=UNPROCESSABLE)
    try:
        commission.set_rate("producer", str(form.producer_id.data), form.rate.bps)
    except commission.UnknownProducer:
        form.producer_id.errors.append(_("Không có chủ thể này."))
        return _page(producer_form=form, status=UNPROCESSABLE)
    return _done(_("Đã lưu mức hoa hồng riêng của chủ thể. Mức mới áp dụng cho đơn đặt từ bây giờ."))


@blp.post("/xoa")
@access.requires(ADMIN)
def remove_rate():
    form = RemoveRateForm()
    if not form.validate_on_submit():
        return _page(message=_("Không xoá được mức hoa hồng này."), status=UNPROCESSABLE)
    commission.set_rate(form.scope.data, form.key.data, None)
    return _done(_("Đã xoá mức hoa hồng; áp dụng lại mức chung."))
