"""Display points as admin settings pages (/quan-tri/diem-ban): list, open, edit, open/close,
their operators (assigned by email) and consignments, over the use cases the admin API calls
(showrooms/services.py)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from marketplace import access
from marketplace.access import ADMIN
from marketplace.pricing.forms import bps_to_percent
from marketplace.producers.models import ProducerNotFound
from marketplace.showrooms import services
from marketplace.showrooms.admin_forms import (POINT_STATUSES, POINT_TYPES, ConsignmentForm, LeadForm, OperatorForm,
                                               PointForm, StatusForm)
from marketplace.showrooms.models import AlreadyOperator, NoAccountWithEmail, PointStatus

blp = Blueprint("admin_point_pages", __name__, url_prefix="/quan-tri/diem-ban")

UNPROCESSABLE = 422
PER_PAGE = 50


def _labels():
    return {"point_types": POINT_TYPES, "point_statuses": POINT_STATUSES, "percent": bps_to_percent}


def _form_page(form, point=None):
    failed = form.is_submitted() and not form.choosing_province()
    return render_template("showrooms/admin_point_form.html", form=form, point=point, **_labels()), \
        UNPROCESSABLE if failed else 200


def _detail(point_id, operator_form=None, consignment_form=None, status=200):
    overview = services.point_overview(point_id)
    return render_template("showrooms/admin_point.html", overview=overview, point=overview.point,
                           operator_form=operator_form or OperatorForm(formdata=None),
                           consignment_form=consignment_form or ConsignmentForm(formdata=None),
                           status_form=StatusForm(formdata=None), **_labels()), status


def _done(message: str, point_id: int):
    flash(message)
    return redirect(url_for(".point", point_id=point_id), code=303)


@blp.get("")
@access.requires(ADMIN)
def points():
    status = request.args.get("trang-thai") if request.args.get("trang-thai") in POINT_STATUSES else None
    page = request.args.get("trang", 1, type=int) or 1
    return render_template("showrooms/admin_points.html", result=services.list_points(status, None, max(page, 1), PER_PAGE),
                           status=status, **_labels())


@blp.route("/them", methods=["GET", "POST"])
@access.requires(ADMIN)
def create():
    form = PointForm()
    if form.choosing_province() or not form.validate_on_submit():
        return _form_page(form)
    point = services.create_point(form.point_fields())
    return _done(_("Đã mở điểm bán mới."), point.id)


@blp.get("/<int:point_id>")
@access.requires(ADMIN)
def point(point_id: int):
    return _detail(point_id)


@blp.route("/<int:point_id>/sua", methods=["GET", "POST"])
@access.requires(ADMIN)
def edit(point_id: int):
    point = services.get_point(point_id)
    form = PointForm(point=point)
    if form.choosing_province() or not form.validate_on_submit():
        return _form_page(form, point)
    services.update_point(point_id, form.point_fields())
    return _done(_("Đã lưu thay đổi của điểm bán."), point_id)


@blp.post("/<int:point_id>/trang-thai")
@access.requires(ADMIN)
def set_status(point_id: int):
    form = StatusForm()
    if not form.validate_on_submit():
        return _detail(point_id, status=UNPROCESSABLE)
    services.update_point(point_id, {"status": PointStatus(form.status.data)})
    return _done(_("Đã đổi trạng thái: %(status)s.", status=POINT_STATUSES[form.status.data]), point_id)


@blp.post("/<int:point_id>/nguoi-van-hanh")
@access.requires(ADMIN)
def assign_operator(point_id: int):
    form = OperatorForm()
    if form.validate_on_submit():
        try:
            services.assign_operator(point_id, form.email.data, form.lead.data)
            return _done(_("Đã giao điểm bán cho %(email)s.", email=form.email.data), point_id)
        except NoAccountWithEmail:
            form.email.errors.append(_("Không có tài khoản nào dùng email này."))
        except AlreadyOperator:
            form.email.errors.append(_("Tài khoản này đã vận hành điểm bán."))
    return _detail(point_id, operator_form=form, status=UNPROCESSABLE)


@blp.post("/<int:point_id>/nguoi-van-hanh/<int:user_id>/go")
@access.requires(ADMIN)
def remove_operator(point_id: int, user_id: int):
    services.remove_operator(point_id, user_id)  # not an operator: 404
    return _done(_("Đã thôi giao điểm bán cho tài khoản này."), point_id)


@blp.post("/<int:point_id>/nguoi-van-hanh/<int:user_id>/truong-diem")
@access.requires(ADMIN)
def set_operator_lead(point_id: int, user_id: int):
    form = LeadForm()
    if not form.validate_on_submit():
        return _detail(point_id, status=UNPROCESSABLE)
    operator = services.set_operator_lead(point_id, user_id, form.lead.data == "1")  # not an operator: 404
    return _done(_("%(email)s là trưởng điểm.", email=operator.user.email) if operator.is_lead else
                 _("%(email)s không còn là trưởng điểm.", email=operator.user.email), point_id)


@blp.post("/<int:point_id>/ky-gui")
@access.requires(ADMIN)
def set_consignment(point_id: int):
    form = ConsignmentForm()
    if form.validate_on_submit():
        try:
            services.set_consignment(point_id, form.producer_id.data, form.rate.bps,
                                     form.active.data)
            return _done(_("Đã lưu thoả thuận ký gửi."), point_id)
        except ProducerNotFound:
            form.producer_id.errors.append(_("Không có chủ thể này."))
    return _detail(point_id, consignment_form=form, status=UNPROCESSABLE)
