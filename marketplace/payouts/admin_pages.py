"""Back office: payout runs (start one, see its payouts, download its bank
file), and settling each payout in transit: paid, failed, or reconciled with
Stripe. Each action calls the service the API's admin route calls."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.access import ADMIN
from marketplace.downloads import csv_file
from marketplace.errors import DomainError
from marketplace.payouts import connect_rail, reports, runs, services, settlement
from marketplace.payouts.admin_forms import MarkPaidForm
from marketplace.payouts.models import PayoutNotFound, PayoutRail, PayoutStatus
from marketplace.web.admin_forms import ActionForm, ReasonForm
from marketplace.web.refusals import show_refusal

blp = Blueprint("admin_payout_pages", __name__)

PER_PAGE = 20
SECTION = "admin_payout_pages.batches"


def _page_number() -> int:
    return max(1, min(request.args.get("page", 1, type=int) or 1, 1000))


@blp.get("/quan-tri/chi-tra")
@access.requires(ADMIN)
def batches():
    return render_template("payouts/admin_runs.html", page=services.runs(_page_number(), PER_PAGE),
                           in_transit=services.payouts_of(None, PayoutStatus.IN_TRANSIT, 1, 100),
                           form=ActionForm(formdata=None), PayoutRail=PayoutRail)


@blp.post("/quan-tri/chi-tra/chay")
@access.requires(ADMIN)
def run():
    if not ActionForm().validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng gửi lại biểu mẫu."))
        return redirect(url_for(".batches"), code=303)
    payout_run = runs.run_payouts(current_user.id)
    flash(_("Đã chạy đợt chi trả %(id)s: %(count)s khoản.", id=payout_run.id, count=len(payout_run.payouts)))
    return redirect(url_for(".batch", run_id=payout_run.id), code=303)


@blp.get("/quan-tri/chi-tra/dot/<int:run_id>")
@access.requires(ADMIN)
def batch(run_id: int):
    return render_template("payouts/admin_run.html", run=services.get_run(run_id), form=ActionForm(formdata=None),
                           PayoutRail=PayoutRail, PayoutStatus=PayoutStatus, admin_section=SECTION)


@blp.get("/quan-tri/chi-tra/dot/<int:run_id>/tep-ngan-hang.csv")
@access.requires(ADMIN)
def bank_file(run_id: int):
    return csv_file(reports.bank_file_csv(run_id), f"payout-run-{run_id}.csv")


def _payout_page(payout_id: int, paid_form=None, failed_form=None, problem=None, status=200):
    payout = services.get_payout(payout_id)
    return render_template("payouts/admin_payout.html", payout=payout, paid_form=paid_form or MarkPaidForm(formdata=None),
                           failed_form=failed_form or ReasonForm(formdata=None), form=ActionForm(formdata=None),
                           problem=problem, PayoutRail=PayoutRail, PayoutStatus=PayoutStatus,
                           admin_section=SECTION), status


@blp.get("/quan-tri/chi-tra/<int:payout_id>")
@access.requires(ADMIN)
def payout(payout_id: int):
    return _payout_page(payout_id)


@blp.post("/quan-tri/chi-tra/<int:payout_id>/da-tra")
@access.requires(ADMIN)
def mark_paid(payout_id: int):
    form = MarkPaidForm()
    if not form.validate_on_submit():
        return _payout_page(payout_id, paid_form=form, status=422)
    return _settled(payout_id, lambda: settlement.mark_paid(payout_id, form.bank_reference.data.strip()),
                    _("Đã ghi nhận khoản chi trả %(id)s đã trả.", id=payout_id), paid_form=form)


@blp.post("/quan-tri/chi-tra/<int:payout_id>/that-bai")
@access.requires(ADMIN)
def mark_failed(payout_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        return _payout_page(payout_id, failed_form=form, status=422)
    return _settled(payout_id, lambda: settlement.mark_failed(payout_id, form.reason.data.strip()),
                    _("Khoản chi trả %(id)s thất bại; tiền trở về số dư của chủ thể.", id=payout_id), failed_form=form)


@blp.post("/quan-tri/chi-tra/<int:payout_id>/doi-soat")
@access.requires(ADMIN)
def reconcile(payout_id: int):
    if not ActionForm().validate_on_submit():
        return _payout_page(payout_id, problem=_("Phiên làm việc đã hết hạn. Vui lòng gửi lại biểu mẫu."), status=422)
    return _settled(payout_id, lambda: connect_rail.reconcile_payout(payout_id),
                    _("Đã đối soát khoản chi trả %(id)s với Stripe.", id=payout_id))


def _settled(payout_id: int, settle, done: str, **forms):
    """Run the one service call; its refusal comes back on the payout's page."""
    try:
        settle()
    except PayoutNotFound:
        raise
    except DomainError as error:
        return _payout_page(payout_id, problem=show_refusal(None, error), status=409, **forms)
    flash(done)
    return redirect(url_for(".payout", payout_id=payout_id), code=303)
