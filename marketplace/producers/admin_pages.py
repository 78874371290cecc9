"""Back office: an admin reviews a producer's application, then approves it
or turns it down with a reason (the services the API's admin routes call)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from marketplace import access
from marketplace.access import ADMIN
from marketplace.producers import services
from marketplace.producers.models import InvalidProducerTransition, ProducerStatus
from marketplace.web.admin_forms import ActionForm, ReasonForm
from marketplace.web.refusals import show_refusal

blp = Blueprint("admin_producer_pages", __name__)


def _review(producer_id: int, reject_form=None, problem=None, status=200):
    return render_template("producers/admin_review.html", producer=services.get_producer(producer_id),
                           approve_form=ActionForm(formdata=None), reject_form=reject_form or ReasonForm(formdata=None),
                           problem=problem, ProducerStatus=ProducerStatus, admin_section="backoffice.home"), status


@blp.get("/quan-tri/chu-the/<int:producer_id>")
@access.requires(ADMIN)
def review(producer_id: int):
    return _review(producer_id)


@blp.post("/quan-tri/chu-the/<int:producer_id>/duyet")
@access.requires(ADMIN)
def approve(producer_id: int):
    if not ActionForm().validate_on_submit():
        return _review(producer_id, problem=_("Phiên làm việc đã hết hạn. Vui lòng gửi lại biểu mẫu."), status=422)
    try:
        producer = services.approve(producer_id)
    except InvalidProducerTransition as error:
        return _review(producer_id, problem=show_refusal(None, error), status=409)
    flash(_("Đã duyệt %(name)s.", name=producer.name))
    return redirect(url_for("backoffice.home"), code=303)


@blp.post("/quan-tri/chu-the/<int:producer_id>/tu-choi")
@access.requires(ADMIN)
def reject(producer_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        return _review(producer_id, reject_form=form, status=422)
    try:
        producer = services.suspend(producer_id, form.reason.data.strip())
    except InvalidProducerTransition as error:
        return _review(producer_id, reject_form=form, problem=show_refusal(form, error), status=409)
    flash(_("Đã từ chối %(name)s.", name=producer.name))
    return redirect(url_for("backoffice.home"), code=303)
