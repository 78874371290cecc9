"""Back office: incoming bank transfers. The queue of those waiting for a
decision, one transfer with its likely order and the actions on it, and the
statement import. Each action calls one service (resolution.py, statement.py)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.access import ADMIN
from marketplace.banking import queries, resolution, statement
from marketplace.banking.labels import labels
from marketplace.banking.forms import ConfirmForm, DismissForm, NoteForm, StatementForm
from marketplace.banking.models import TransactionStatus
from marketplace.errors import DomainError, translate_message
from marketplace.orders.order_pages import _labels as order_labels
from marketplace.web.refusals import show_refusal
from marketplace.web.security import accepts_upload

blp = Blueprint("admin_bank_pages", __name__, url_prefix="/quan-tri/chuyen-khoan-den")
blp.context_processor(labels)
blp.context_processor(order_labels)  # payment and order statuses

PER_PAGE = 20
SECTION = "admin_bank_pages.queue"


@blp.get("")
@access.requires(ADMIN)
def queue():
    status = request.args.get("trang_thai", "")
    status = TransactionStatus(status) if status in set(TransactionStatus) else TransactionStatus.QUEUED
    page_number = max(1, min(request.args.get("page", 1, type=int) or 1, 1000))
    return render_template("banking/queue.html", page=queries.transfers(status, page_number, PER_PAGE),
                           status=status, admin_section=SECTION)


# The page's four forms, each with a prefix of its own (ids and names unique on the page).
FORMS = {"confirm_form": (ConfirmForm, "xac-nhan"), "reserve_form": (NoteForm, "giu-hang"),
         "refund_form": (NoteForm, "hoan-tien"), "dismiss_form": (DismissForm, "bo-qua")}


def _form(name: str, **kwargs):
    form_class, prefix = FORMS[name]
    return form_class(prefix=prefix, **kwargs)


def _detail(bank_transaction_id: int, status: int = 200, problem: str | None = None, **forms):
    failed = next(iter(forms.values()), None)  # the form posted, shown in the error summary
    forms = {**{name: _form(name, formdata=None) for name in FORMS}, **forms}
    return render_template("banking/transfer.html", item=queries.transfer(bank_transaction_id), problem=problem,
                           failed=failed or forms["dismiss_form"], admin_section=SECTION, **forms), status


@blp.get("/<int:bank_transaction_id>")
@access.requires(ADMIN)
def transfer(bank_transaction_id: int):
    return _detail(bank_transaction_id)


def _act(bank_transaction_id: int, form, form_name: str, act, done: str):
    """Run the action if the form is valid; the transfer's page again (422) with the refusal otherwise."""
    problem = None
    if form.validate_on_submit():
        try:
            act()
            flash(done)
            return redirect(url_for(".queue"), code=303)
        except DomainError as error:
            problem = show_refusal(form, error)
    return _detail(bank_transaction_id, 422, problem, **{form_name: form})


@blp.post("/<int:bank_transaction_id>/xac-nhan")
@access.requires(ADMIN)
def confirm(bank_transaction_id: int):
    form = _form("confirm_form")
    return _act(bank_transaction_id, form, "confirm_form", lambda: resolution.confirm(
        bank_transaction_id, form.order.data or "", (form.note.data or "").strip(), current_user.id),
        _("Đã xác nhận đơn bằng khoản chuyển này."))


@blp.post("/<int:bank_transaction_id>/giu-lai-hang")
@access.requires(ADMIN)
def re_reserve(bank_transaction_id: int):
    form = _form("reserve_form")
    return _act(bank_transaction_id, form, "reserve_form", lambda: resolution.re_reserve(
        bank_transaction_id, (form.note.data or "").strip(), current_user.id),
        _("Đã giữ lại hàng và xác nhận đơn."))


@blp.post("/<int:bank_transaction_id>/hoan-tien")
@access.requires(ADMIN)
def refund(bank_transaction_id: int):
    form = _form("refund_form")
    return _act(bank_transaction_id, form, "refund_form", lambda: resolution.refund(
        bank_transaction_id, (form.note.data or "").strip(), current_user.id),
        _("Đã ghi nhận: khoản này cần chuyển trả người gửi."))


@blp.post("/<int:bank_transaction_id>/bo-qua")
@access.requires(ADMIN)
def dismiss(bank_transaction_id: int):
    form = _form("dismiss_form")
    return _act(bank_transaction_id, form, "dismiss_form", lambda: resolution.dismiss(
        bank_transaction_id, form.note.data.strip(), current_user.id), _("Đã bỏ qua khoản này."))


@blp.route("/nhap-sao-ke", methods=["GET", "POST"])
@access.requires(ADMIN)
@accepts_upload("UPLOAD_DOCUMENT_MAX_BYTES")
def import_statement():
    """Upload a statement: every credit row is recorded once, and the summary shown."""
    form, summary, problem = StatementForm(), None, None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read() if upload and hasattr(upload, "read") else b""
        try:
            summary = statement.import_statement(data, getattr(upload, "filename", "") or "", current_user.id)
        except statement.UnreadableStatement as error:
            problem = show_refusal(form, error)
    status = 422 if request.method == "POST" and summary is None else 200
    errors = [(e.line, translate_message(e.message)) for e in summary.errors] if summary else []
    return render_template("banking/import.html", form=form, summary=summary, errors=errors, problem=problem,
                           admin_section=SECTION), status
