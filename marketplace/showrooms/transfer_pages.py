"""Transfers between points (/diem-ban/<id>/chuyen-kho): what is on its way here and what
went lately, sending by scan, a transfer's note, and receiving one with any discrepancy.
Counts and write-offs register on the same blueprint (count_pages.py)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from marketplace import access
from marketplace.showrooms import lots as point_lots
from marketplace.showrooms import queries
from marketplace.showrooms import transfers as point_transfers
from marketplace.showrooms.access import POINT_OPERATOR
from marketplace.showrooms.models import (LinesRefused, NotCarriedThere, PointNotFound, PointNotOpen, SamePoint,
                                          TransferAlreadyReceived, TransferNotFound, TransferStatus, UnknownVariants)
from marketplace.showrooms.movements import OutLine
from marketplace.showrooms.stock_ledger import InsufficientPointStock
from marketplace.showrooms.transfer_forms import ReceiveForm, SendForm, as_int, error_items, look_up
from marketplace.errors import translate_message
from marketplace.web.refusals import show_refusal

blp = Blueprint("point_transfer_pages", __name__, url_prefix="/diem-ban/<int:point_id>")

UNPROCESSABLE, CONFLICT = 422, 409


@blp.get("/chuyen-kho")
@access.requires(POINT_OPERATOR)
def transfers(point_id: int):
    incoming, recent = queries.incoming_transfers(point_id), point_transfers.recent(point_id)
    names = queries.point_names({t.from_point_id for t in incoming + recent} | {t.to_point_id for t in recent})
    return render_template("showrooms/point/transfers.html", incoming=incoming, recent=recent, names=names)


@blp.get("/chuyen-kho/<int:transfer_id>")
@access.requires(POINT_OPERATOR)
def transfer(point_id: int, transfer_id: int):
    found = point_transfers.seen_from(point_id, transfer_id)  # neither sent nor sent here: 404
    return render_template("showrooms/point/transfer.html", transfer=found,
                           receiver_note=point_transfers.receiver_note(found),
                           names=queries.point_names([found.from_point_id, found.to_point_id]))


# --- send ----------------------------------------------------------------------------------

def _send_page(point_id: int, form: SendForm, status: int = 200, choices=(), message=None, not_carried=False):
    held = point_lots.of_variants(point_id, form.variant_ids())
    for entry in form.lines.entries:
        sendable = [lot for lot in held.get(entry.form.variant_id.data, []) if lot.on_hand > 0 and not lot.expired]
        entry.form.lot_code.choices = [SelectChoice("", _("Lô hết hạn trước (tự chọn)"))] + [
            SelectChoice(lot.lot_code, _("Lô %(lot)s · còn %(units)d", lot=lot.lot_code, units=lot.on_hand))
            for lot in sendable]
        entry.sendable = sum(lot.on_hand for lot in sendable)
        entry.item = held.get(entry.form.variant_id.data, [None])[0]
    return render_template("showrooms/point/transfer_send.html", form=form, choices=choices, message=message,
                           errors=error_items(form), not_carried=not_carried or form.send_anyway.data), status


@blp.route("/chuyen-kho/gui", methods=["GET", "POST"])
@access.requires(POINT_OPERATOR)
def send(point_id: int):
    form = SendForm(destinations=point_transfers.destinations(point_id))
    if not form.is_submitted():
        return _send_page(point_id, form)
    if "remove" in request.form:
        form.remove(as_int(request.form["remove"]))
        return _send_page(point_id, form)
    if as_int(request.form.get("pick")):
        form.add(as_int(request.form["pick"]))
        return _send_page(point_id, form)
    if request.form.get("action") != "send":  # Enter in the scan field, or its button
        return _scan_into(point_id, form)
    if not form.validate():
        return _send_page(point_id, form, UNPROCESSABLE)
    lines = [OutLine(e.form.variant_id.data, e.form.quantity.data, e.form.lot_code.data or None)
             for e in form.lines.entries]
    try:
        sent = point_transfers.transfer_out(point_id, current_user.id, form.to_point_id.data, lines,
                                            form.note.data or "", only_carried=not form.send_anyway.data)
    except NotCarriedThere as refusal:
        for i in refusal.lines:
            form.lines.entries[i].form.variant_id.errors = [
                _("Điểm nhận chưa nhận ký gửi sản phẩm của chủ thể này: đến nơi sẽ chưa bán được.")]
        return _send_page(point_id, form, UNPROCESSABLE, not_carried=True,
                          message=_("Điểm nhận chưa bán được một số sản phẩm. Bỏ chúng ra, hoặc đánh dấu "
                                    "“Vẫn chuyển” rồi gửi lại."))
    except InsufficientPointStock as refusal:
        short = {s["variant_id"]: s for s in refusal.shortages}
        for entry in form.lines.entries:
            if entry.form.variant_id.data in short:
                s = short[entry.form.variant_id.data]
                entry.form.quantity.errors = [_("Không đủ hàng: chỉ còn %(available)d chưa hết hạn, cần %(requested)d.",
                                                available=s["available"], requested=s["requested"])]
        return _send_page(point_id, form, UNPROCESSABLE, message=_("Không đủ hàng để chuyển. Chưa có gì được ghi."))
    except (SamePoint, PointNotFound, PointNotOpen) as refusal:
        form.to_point_id.errors = [{
            SamePoint: _("Chọn một điểm bán khác điểm này."), PointNotFound: _("Chọn một điểm bán trong danh sách."),
            PointNotOpen: _("Điểm gửi hoặc điểm nhận đang đóng cửa: không chuyển được."),
        }[type(refusal)]]
        return _send_page(point_id, form, UNPROCESSABLE)
    except UnknownVariants as refusal:
        return _send_page(point_id, form, UNPROCESSABLE, message=show_refusal(None, refusal))
    flash(_("Đã chuyển hàng đi: phiếu TR-%(id)d, đang trên đường đến điểm nhận.", id=sent.id))
    return redirect(url_for(".transfer", point_id=point_id, transfer_id=sent.id), code=303)


def _scan_into(point_id: int, form: SendForm):
    if not form.scan.data:  # Enter in a quantity: the page again, as typed
        return _send_page(point_id, form)
    found = look_up(point_id, form.scan.data)
    if found.item and found.item.on_hand <= 0:
        found.error = _("Điểm bán không còn %(name)s để chuyển.", name=found.item.product_name)
    if found.error:
        form.scan.errors = [found.error]
        return _send_page(point_id, form, UNPROCESSABLE)
    form.scan.data = ""
    if found.item:
        form.add(found.item.variant_id)
    return _send_page(point_id, form, choices=found.choices)


# --- receive -------------------------------------------------------------------------------

def _receive_page(transfer, form, status=200, preview=False, message=None):
    return render_template("showrooms/point/transfer_receive.html", transfer=transfer, form=form, preview=preview,
                           message=message, errors=error_items(form), lines={line.id: line for line in transfer.lines},
                           names=queries.point_names([transfer.from_point_id])), status


@blp.route("/chuyen-kho/<int:transfer_id>/nhan", methods=["GET", "POST"])
@access.requires(POINT_OPERATOR)
def receive_transfer(point_id: int, transfer_id: int):
    found = point_transfers.seen_from(point_id, transfer_id)
    if found.to_point_id != point_id:
        raise TransferNotFound()  # the sender's page shows it; receiving it is the other point's
    form = ReceiveForm(transfer=found)
    if found.status is TransferStatus.RECEIVED:
        return _receive_page(found, form, CONFLICT if form.is_submitted() else 200,
                             message=_("Chuyến hàng này đã được nhận rồi."))
    if not form.is_submitted():
        return _receive_page(found, form)
    if not form.validate():
        return _receive_page(found, form, UNPROCESSABLE)
    if request.form.get("action") == "preview" or (form.differs(found) and form.previewed.data != form.signature()):
        form.previewed.data = form.signature()  # these differences are now shown
        return _receive_page(found, form, preview=True)
    if not form.require_note_for(found):
        return _receive_page(found, form, UNPROCESSABLE, preview=True)
    try:
        point_transfers.receive_transfer(point_id, current_user.id, transfer_id, form.received(), form.note.data or "")
    except TransferAlreadyReceived:
        return _receive_page(found, form, CONFLICT, message=_("Chuyến hàng này đã được nhận rồi."))
    except LinesRefused as refusal:
        by_line = refusal.errors.get("json", {}).get("lines", {})  # by transfer line id
        for entry in form.lines.entries:
            if str(entry.form.line_id.data) in by_line:
                entry.form.quantity.errors = [translate_message(m) for m in by_line[str(entry.form.line_id.data)]]
        return _receive_page(found, form, UNPROCESSABLE, preview=True, message=show_refusal(None, refusal))
    flash(_("Đã nhận chuyến hàng TR-%(id)d.", id=transfer_id))
    return redirect(url_for(".transfer", point_id=point_id, transfer_id=transfer_id), code=303)


from marketplace.showrooms import count_pages  # noqa: E402,F401 (registers the count and write-off pages on blp)
