"""The guided count (/diem-ban/<id>/kiem-kho) and write-offs (/diem-ban/<id>/xuat-huy), on
the transfer pages' blueprint.

A count: scan each unit (one more in the product's chosen lot) or type a lot's count, see
the differences (counted − on hand, per lot, with their value at the listing price), then
confirm them as one count-correction movement. Nothing is written before that; the count
travels in the form (count_forms.CountState). The scope rule is counts.py's."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.showrooms import counts, operations, queries
from marketplace.showrooms import lots as point_lots
from marketplace.showrooms.access import POINT_OPERATOR
from marketplace.showrooms.count_forms import ADJUSTMENT_REASONS, WRITE_OFF_REASONS, CountForm, CountState, WriteOffForm
from marketplace.showrooms.models import AdjustmentReason, LinesRefused, MovementKind
from marketplace.showrooms.stock_ledger import InsufficientPointStock
from marketplace.showrooms.transfer_forms import as_int, error_items, look_up
from marketplace.showrooms.transfer_pages import CONFLICT, UNPROCESSABLE, blp

RECENT_ADJUSTMENTS = 10


def _count_page(point_id: int, form: CountForm, state: CountState, status: int = 200, *, step: str = "count",
                choices=(), message=None):
    products = counts.sheet(point_id, state.variant_ids, state.counted, state.into)
    errors = state.errors() if step == "count" else {}
    items = error_items(form) + [(f"n-{lot_id}", text) for lot_id, text in errors.items()]
    return render_template("showrooms/point/count.html", form=form, state=state, products=products, step=step,
                           differences=counts.differences(products), errors=errors, summary_items=items,
                           choices=choices, message=message), status


@blp.route("/kiem-kho", methods=["GET", "POST"])
@access.requires(POINT_OPERATOR)
def count(point_id: int):
    form = CountForm()
    if not form.is_submitted():
        return _count_page(point_id, form, CountState())
    state, action = CountState.read(request.form), request.form.get("action", "add")
    if not form.validate():
        return _count_page(point_id, form, state, UNPROCESSABLE)
    if "remove" in request.form:
        variant_id = as_int(request.form["remove"])
        held = point_lots.of_variants(point_id, [variant_id] if variant_id else [], keep_lot_ids=state.counted)
        state.drop(variant_id, [lot.lot_id for lot in held.get(variant_id, [])])
        return _count_page(point_id, form, state)
    if as_int(request.form.get("pick")):
        return _one_more(point_id, form, state, as_int(request.form["pick"]))
    if action == "add":
        if not form.scan.data:  # Enter in a count: the page again, as typed
            return _count_page(point_id, form, state)
        found = look_up(point_id, form.scan.data)
        if found.error:
            form.scan.errors = [found.error]
            return _count_page(point_id, form, state, UNPROCESSABLE)
        if found.choices:
            return _count_page(point_id, form, state, choices=found.choices)
        return _one_more(point_id, form, state, found.item.variant_id)
    if state.errors() or not state.variant_ids:
        return _count_page(point_id, form, state, UNPROCESSABLE,
                           message=None if state.variant_ids else _("Quét ít nhất một sản phẩm để kiểm."))
    if action == "preview":
        return _count_page(point_id, form, state, step="preview")
    if action != "confirm":  # "Sửa số đếm": back to counting, as counted
        return _count_page(point_id, form, state)
    return _confirm(point_id, form, state)


def _one_more(point_id: int, form: CountForm, state: CountState, variant_id: int):
    """One more unit of the product, in the lot its scans go to; its first scan brings all its lots in."""
    state.include(variant_id)
    product = next((p for p in counts.sheet(point_id, [variant_id], state.counted, state.into)), None)
    if product is None:
        state.drop(variant_id, [])
        form.scan.errors = [_("Điểm bán chưa có lô nào của sản phẩm này: hãy nhập hàng thay vì kiểm.")]
        return _count_page(point_id, form, state, UNPROCESSABLE)
    state.one_more(product.into_lot_id)
    form.scan.data = ""
    return _count_page(point_id, form, state)


def _confirm(point_id: int, form: CountForm, state: CountState):
    products = counts.sheet(point_id, state.variant_ids, state.counted, state.into)
    if counts.stale(products, state.seen):
        return _count_page(point_id, form, state, CONFLICT, step="preview", message=_(
            "Tồn kho đã thay đổi từ lúc bạn xem chênh lệch (có thể vừa bán hàng). Xem lại chênh lệch rồi xác nhận."))
    lines = counts.adjustment_lines(products)
    if not lines:
        flash(_("Số đếm khớp với tồn kho: không có gì cần điều chỉnh."))
        return redirect(url_for(".count", point_id=point_id), code=303)
    try:
        operations.adjust(point_id, current_user.id, AdjustmentReason.COUNT_CORRECTION, lines, form.note.data or "")
    except (InsufficientPointStock, LinesRefused):  # the books moved after the check above
        return _count_page(point_id, form, state, CONFLICT, step="preview", message=_(
            "Tồn kho vừa thay đổi trong lúc ghi. Chưa có gì được ghi: xem lại chênh lệch rồi xác nhận."))
    flash(_("Đã ghi kiểm kho: %(lots)d lô chênh lệch được điều chỉnh.", lots=len(lines)))
    return redirect(url_for(".count", point_id=point_id), code=303)


# --- write-offs ------------------------------------------------------------------------------

def _write_off_page(point_id: int, form: WriteOffForm, status: int = 200, *, only: int | None = None, choices=()):
    recent = queries.movements(point_id, MovementKind.ADJUSTMENT, None, None, None, 1, RECENT_ADJUSTMENTS).items
    return render_template("showrooms/point/write_off.html", form=form, only=only, choices=choices,
                           errors=error_items(form), recent=recent, reasons=ADJUSTMENT_REASONS), status


@blp.route("/xuat-huy", methods=["GET", "POST"])
@access.requires(POINT_OPERATOR)
def write_off(point_id: int):
    only = as_int(request.form.get("only") or request.form.get("pick"))
    form = WriteOffForm(lots=point_lots.with_stock(point_id, only))
    if not form.is_submitted():
        return _write_off_page(point_id, form)
    if request.form.get("action") == "add" and not request.form.get("pick"):
        return _find_lots(point_id, form)
    if request.form.get("pick"):
        form.lot_id.data = next(iter(form.lots), None)
        return _write_off_page(point_id, form, only=only)
    if not form.validate():
        return _write_off_page(point_id, form, UNPROCESSABLE, only=only)
    try:
        lot = point_lots.get(point_id, form.lot_id.data)
        reason = AdjustmentReason(form.reason.data)
        operations.adjust(point_id, current_user.id, reason, [{"variant_id": lot.variant_id, "lot_code": lot.lot_code,
                                                               "change": -form.quantity.data}], form.note.data or "")
    except point_lots.LotNotFound:
        form.lot_id.errors = [_("Chọn một lô trong danh sách.")]
        return _write_off_page(point_id, form, UNPROCESSABLE, only=only)
    except (InsufficientPointStock, LinesRefused):
        form.quantity.errors = [_("Lô này chỉ còn %(units)d.", units=point_lots.get(point_id, lot.lot_id).on_hand)]
        return _write_off_page(point_id, form, UNPROCESSABLE, only=only)
    flash(_("Đã xuất huỷ %(units)d × %(product)s · %(variant)s, lô %(lot)s (%(reason)s).", units=form.quantity.data,
            product=lot.product_name, variant=lot.variant_label, lot=lot.lot_code,
            reason=WRITE_OFF_REASONS[reason.value]))
    return redirect(url_for(".write_off", point_id=point_id), code=303)


def _find_lots(point_id: int, form: WriteOffForm):
    """A scan narrows the lots to that product's, the first-expiring chosen."""
    found = look_up(point_id, form.scan.data)
    if found.choices:
        return _write_off_page(point_id, form, choices=found.choices)
    held = point_lots.with_stock(point_id, found.item.variant_id) if found.item else []
    if found.item and not held:
        found.error = _("Điểm bán không còn %(name)s để xuất huỷ.", name=found.item.product_name)
    if found.error:
        form.scan.errors = [found.error]
        return _write_off_page(point_id, form, UNPROCESSABLE)
    form = WriteOffForm(formdata=None, lots=held, data={"lot_id": held[0].lot_id, "scan": ""})
    return _write_off_page(point_id, form, only=found.item.variant_id)
