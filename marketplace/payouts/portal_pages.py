"""The producer portal's money pages: the statement (ledger lines for a period)
and its CSV, the payouts, and the bank account (owners edit it), over the
services the API calls (payouts/portal.py)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from marketplace import access
from marketplace.clock import today_vn
from marketplace.downloads import csv_file
from marketplace.payouts import ledger, reports, services
from marketplace.payouts.models import BankAccountNotFound, EntryKind, PayoutStatus
from marketplace.payouts.portal_forms import BankAccountForm
from marketplace.pricing import withholding_rates
from marketplace.pricing.forms import bps_to_percent
from marketplace.web.period_form import PeriodForm
from marketplace.producers.access import PRODUCER_MEMBER, PRODUCER_OWNER

blp = Blueprint("portal_money_pages", __name__, url_prefix="/kenh-nguoi-ban/<int:producer_id>/tien")

PER_PAGE = 50
ENTRY_KINDS = {
    EntryKind.SALE: _l("Bán hàng"), EntryKind.POINT_SALE: _l("Bán tại điểm giới thiệu"),
    EntryKind.CASH_HANDOVER: _l("Nộp tiền mặt của điểm"), EntryKind.COD_SALE: _l("Thu tiền khi giao (COD)"),
    EntryKind.COD_SETTLEMENT: _l("Giữ tiền COD"), EntryKind.RELEASE: _l("Chuyển sang có thể rút"),
    EntryKind.REFUND: _l("Hoàn tiền"), EntryKind.PROCESSOR_FEE: _l("Phí thanh toán"),
    EntryKind.PAYOUT: _l("Đang chuyển khoản"), EntryKind.PAYOUT_PAID: _l("Đã chuyển khoản"),
    EntryKind.PAYOUT_FAILED: _l("Chuyển khoản thất bại"), EntryKind.REVERSAL: _l("Bút toán đảo"),
    EntryKind.TAX_WITHHELD: _l("Thuế khấu trừ (Nghị định 117/2025/NĐ-CP)"),
    EntryKind.TAX_REVERSED: _l("Hoàn lại thuế đã khấu trừ (hoàn tiền)"),
}
PAYOUT_STATUSES = {PayoutStatus.IN_TRANSIT: _l("Đang chuyển"), PayoutStatus.PAID: _l("Đã nhận"),
                   PayoutStatus.FAILED: _l("Thất bại")}


@blp.context_processor
def _labels():
    return {"ENTRY_KIND_LABELS": {kind.value: label for kind, label in ENTRY_KINDS.items()},
            "PAYOUT_STATUS_LABELS": PAYOUT_STATUSES, "withholding_today": _withholding_today}


def _withholding_today(producer):
    """The rate withheld today from this producer's sales, as percents, or None (nothing is withheld)."""
    rate = withholding_rates.rate_on(today_vn()) if withholding_rates.withholds_for(producer.legal_type) else None
    return rate and {"vat": bps_to_percent(rate.vat_bps), "pit": bps_to_percent(rate.pit_bps)}


@blp.get("")
@access.requires(PRODUCER_MEMBER)
def statement(producer_id: int):
    form = PeriodForm(formdata=request.args)
    if not form.validate():
        return render_template("portal/money/statement.html", form=form, rows=None,
                               balance=ledger.producer_balance(producer_id)), 422
    page = max(request.args.get("page", 1, type=int), 1)
    rows = reports.statement_page(producer_id, form.tu_ngay.data, form.den_ngay.data, page, PER_PAGE)
    return render_template("portal/money/statement.html", form=form, rows=rows,
                           balance=ledger.producer_balance(producer_id))


@blp.get("/sao-ke.csv")
@access.requires(PRODUCER_MEMBER)
def statement_csv(producer_id: int):
    form = PeriodForm(formdata=request.args)
    if not form.validate():
        return render_template("portal/money/statement.html", form=form, rows=None,
                               balance=ledger.producer_balance(producer_id)), 422
    return csv_file(reports.statement_csv(producer_id, form.tu_ngay.data, form.den_ngay.data),
                    f"statement-{producer_id}.csv")


@blp.get("/chi-tra")
@access.requires(PRODUCER_MEMBER)
def payouts(producer_id: int):
    page = max(request.args.get("page", 1, type=int), 1)
    return render_template("portal/money/payouts.html", payouts=services.payouts_of(producer_id, None, page, 20))


@blp.get("/tai-khoan-ngan-hang")
@access.requires(PRODUCER_MEMBER)
def bank_account(producer_id: int):
    return render_template("portal/money/bank_account.html", account=_account_or_none(producer_id), form=None)


@blp.route("/tai-khoan-ngan-hang/sua", methods=["GET", "POST"])
@access.requires(PRODUCER_OWNER)
def edit_bank_account(producer_id: int):
    form = BankAccountForm(obj=_account_or_none(producer_id))
    if form.validate_on_submit():
        services.set_bank_account(producer_id, form.data_for_service())
        flash(_("Đã lưu tài khoản nhận tiền."))
        return redirect(url_for(".bank_account", producer_id=producer_id), code=303)
    return render_template("portal/money/bank_account.html", form=form, account=None), \
        422 if form.is_submitted() else 200


def _account_or_none(producer_id: int):
    try:
        return services.bank_account_of(producer_id)
    except BankAccountNotFound:
        return None
