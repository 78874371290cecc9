"""The back room: receiving deliveries (lines by barcode, lots and expiry dates, a printed
receiving note), the stock list with its low-stock thresholds, near-expiry lots, and the
movement history. Forms in backroom_forms.py; what the pages read in backroom.py.

A delivery's lines are added by scanning: a keyboard-wedge scanner types the barcode and
Enter into the scan field, and Enter presses the form's first submit button, "add": the page
comes back with the item on a new line (or one more unit on its line). static/backroom.js
does the same without reloading the page."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.validators import ValidationError as FieldError

from marketplace import access
from marketplace.errors import translate_message
from marketplace.showrooms import backroom, operations, queries, services, shelf
from marketplace.showrooms.access import POINT_OPERATOR
from marketplace.showrooms.backroom_forms import (ADJUSTMENT_REASONS, MOVEMENT_KINDS, MovementFilterForm, ReceiveForm,
                                                  ThresholdForm)
from marketplace.showrooms.models import LinesRefused, NotConsigned, PointNotOpen, UnknownVariants

blp = Blueprint("point_backroom_pages", __name__, url_prefix="/diem-ban/<int:point_id>")

UNPROCESSABLE = 422
PER_PAGE = 30
EXPIRY_DAYS = (7, 14, 30, 60, 90)
DEFAULT_EXPIRY_DAYS = 30


@blp.context_processor
def _labels():
    return {"MOVEMENT_KIND_LABELS": {kind.value: label for kind, label in MOVEMENT_KINDS.items()},
            "ADJUSTMENT_REASON_LABELS": ADJUSTMENT_REASONS}


def _page_number() -> int:
    return max(1, min(request.args.get("trang", 1, type=int) or 1, 10_000))


# --- receiving -----------------------------------------------------------------------

def _receive_page(point_id: int, form: ReceiveForm, status: int = 200, *, message: str | None = None,
                  line_errors: dict | None = None, scanned: bool = False, added: str | None = None):
    """The delivery form; `scanned`: it answers a scan (the scan field keeps the focus),
    and `added` says what that scan added."""
    items = backroom.line_items(point_id, (entry.variant_id.data for entry in form.lines.entries))
    return render_template("showrooms/point/receive.html", form=form, items=items, message=message,
                           line_errors=line_errors or {}, scanned=scanned, added=added), status


@blp.route("/nhap-hang", methods=["GET", "POST"])
@access.requires(POINT_OPERATOR)
def receive(point_id: int):
    form = ReceiveForm(consignments=services.consignments_of(point_id))
    if not form.is_submitted():
        return _receive_page(point_id, form)
    if form.add_scanned.data:  # the CSRF token was checked before any page view (web/security.py)
        return _add_scanned(point_id, form)
    removed = request.form.get("bo_dong", type=int)
    if removed is not None:
        form.remove_line(removed)
        return _receive_page(point_id, form)
    if not form.validate():
        return _receive_page(point_id, form, UNPROCESSABLE)
    try:
        movement = operations.receive(point_id, current_user.id, form.producer_id.data, form.delivery_note.data,
                                      form.receipt_lines(), form.note.data)
    except LinesRefused as refused:
        by_line = refused.errors["json"]["lines"]  # {"1": ["A perishable product needs ..."]}
        return _receive_page(point_id, form, UNPROCESSABLE, line_errors={
            int(i): [translate_message(m) for m in messages] for i, messages in by_line.items()})
    except NotConsigned:
        form.producer_id.errors.append(_("Điểm bán không còn nhận ký gửi hàng của chủ thể này."))
        return _receive_page(point_id, form, UNPROCESSABLE)
    except PointNotOpen:
        return _receive_page(point_id, form, UNPROCESSABLE,
                             message=_("Điểm bán đang đóng cửa: không nhập được hàng."))
    except UnknownVariants:
        return _receive_page(point_id, form, UNPROCESSABLE,
                             message=_("Có dòng không còn sản phẩm. Hãy bỏ dòng đó rồi nhập lại."))
    flash(_("Đã nhập kho phiếu giao hàng %(number)s.", number=movement.reference))
    return redirect(url_for(".receiving_note", point_id=point_id, movement_id=movement.id), code=303)


def _add_scanned(point_id: int, form: ReceiveForm):
    """The scanned barcode's item on the delivery, or why not, beside the scan field."""
    code = form.scan.data or ""
    try:
        if not code:
            raise FieldError(_("Chưa có mã vạch. Quét mã vạch để thêm sản phẩm; bấm “Nhập kho” khi đã đủ."))
        item = backroom.scan_for_receipt(point_id, form.producer_id.data, code)
        line = form.add_item(item.variant_id)
    except shelf.ItemNotFound:
        form.scan.errors = [_("Không có sản phẩm nào mang mã vạch %(code)s của các chủ thể ký gửi ở đây.", code=code)]
    except backroom.OtherProducersItem as other:
        form.scan.errors = [_("Mã %(code)s là hàng của %(producer)s, không phải của chủ thể giao phiếu này.",
                              code=code, producer=other.item.producer_name)]
    except NotConsigned:
        form.scan.errors = [_("Điểm bán không còn nhận ký gửi hàng của chủ thể có mã %(code)s.", code=code)]
    except FieldError as refused:
        form.scan.errors = [str(refused)]
    else:
        form.producer_id.data = item.producer_id  # the first scan names the producer when none was chosen
        added = _("Đã thêm %(product)s · %(variant)s: dòng %(line)d, số lượng %(quantity)s.",
                  product=item.product_name, variant=item.variant_label,
                  line=form.lines.entries.index(line) + 1, quantity=line.quantity.data)
        return _receive_page(point_id, form, scanned=True, added=added)
    form.scan.data = ""  # the code is in the message; the next scan types into an empty field
    return _receive_page(point_id, form, UNPROCESSABLE, scanned=True)


@blp.get("/nhap-hang/<int:movement_id>")
@access.requires(POINT_OPERATOR)
def receiving_note(point_id: int, movement_id: int):
    return render_template("showrooms/point/receiving_note.html",
                           note=backroom.receiving_note(point_id, movement_id))  # not a receipt here: 404


# --- stock ----------------------------------------------------------------------------

def _stock_filters(args) -> dict:
    return {"q": (args.get("q") or "").strip()[:100], "low_only": args.get("sap_het") == "1"}


def _stock_page(point_id: int, filters: dict, page: int, status: int = 200, failed=None):
    """`failed`: (variant id, its threshold form) refused, shown beside that row."""
    rows = backroom.stock_page(point_id, filters["q"], filters["low_only"], page, PER_PAGE)
    return render_template("showrooms/point/stock.html", rows=rows, filters=filters,
                           failed_id=failed[0] if failed else None, failed_form=failed[1] if failed else None), status


@blp.get("/ton-kho")
@access.requires(POINT_OPERATOR)
def stock(point_id: int):
    return _stock_page(point_id, _stock_filters(request.args), _page_number())


@blp.post("/ton-kho/<int:variant_id>/nguong")
@access.requires(POINT_OPERATOR)
def set_threshold(point_id: int, variant_id: int):
    form = ThresholdForm()
    filters = _stock_filters(request.form)
    page = max(1, min(request.form.get("trang", 1, type=int) or 1, 10_000))
    if not form.validate_on_submit():
        row = backroom.stock_row(point_id, variant_id)  # never held here: 404
        return _stock_page(point_id, filters, page, UNPROCESSABLE, failed=(row.variant_id, form))
    row = services.set_low_stock_threshold(point_id, variant_id, form.threshold.data)  # never held here: 404
    flash(_("Đã đặt ngưỡng sắp hết của %(product)s · %(variant)s là %(threshold)d.",
            product=row.variant.product.name, variant=row.variant.label, threshold=row.low_stock_threshold))
    back = {"q": filters["q"] or None, "sap_het": "1" if filters["low_only"] else None,
            "trang": page if page > 1 else None}
    return redirect(url_for(".stock", point_id=point_id, **back) + f"#dong-{variant_id}", code=303)


@blp.get("/ton-kho/sap-het-han")
@access.requires(POINT_OPERATOR)
def near_expiry(point_id: int):
    asked = request.args.get("ngay", str(DEFAULT_EXPIRY_DAYS))
    refused = asked not in {str(days) for days in EXPIRY_DAYS}  # anything else: the default, and why
    days = DEFAULT_EXPIRY_DAYS if refused else int(asked)
    lots = queries.near_expiry(point_id, days, _page_number(), PER_PAGE)
    return render_template("showrooms/point/near_expiry.html", lots=lots, days=days, choices=EXPIRY_DAYS,
                           refused=refused), UNPROCESSABLE if refused else 200


# --- movement history -------------------------------------------------------------------

@blp.get("/lich-su")
@access.requires(POINT_OPERATOR)
def movements(point_id: int):
    form = MovementFilterForm(request.args, variants=backroom.point_variants(point_id))
    valid = form.validate()
    history = backroom.movement_history(point_id, **(form.filters() if valid else {}), page=_page_number(),
                                        per_page=PER_PAGE)
    kept = {name: value for name, value in request.args.items() if name != "trang" and value} if valid else {}
    return render_template("showrooms/point/movements.html", form=form, history=history, filter_args=kept), \
        200 if valid else UNPROCESSABLE
