"""The portal's stamp pages (/kenh-nguoi-ban/<producer>/tem-truy-xuat): the variants with a
GTIN, and for one of them the sheet form whose answer is the PDF to print."""

from flask import Blueprint, Response, render_template

from marketplace import access
from marketplace.errors import InvalidInput, translate_message
from marketplace.producers.access import PRODUCER_MEMBER
from marketplace.traceability import stamping
from marketplace.traceability.links import canonical_gtin, trace_path
from marketplace.traceability.stamp_forms import StampForm

blp = Blueprint("trace_portal_pages", __name__, url_prefix="/kenh-nguoi-ban/<int:producer_id>/tem-truy-xuat")

UNPROCESSABLE = 422


@blp.app_template_global()
def trace_link(gtin: str | None) -> str | None:
    """The trace page of a stored GTIN (as typed), or None when it is not one."""
    gtin14 = canonical_gtin(gtin or "")
    return trace_path(gtin14) if gtin14 else None


@blp.get("")
@access.requires(PRODUCER_MEMBER)
def variants(producer_id: int):
    return render_template("traceability/stamps.html", producer_id=producer_id,
                           variants=stamping.stampable_variants(producer_id))


@blp.route("/<int:variant_id>", methods=["GET", "POST"])
@access.requires(PRODUCER_MEMBER)
def sheet(producer_id: int, variant_id: int):
    choices = stamping.stamp_choices(producer_id, variant_id)
    form = StampForm(known_lots=choices.lots)
    if form.validate_on_submit():
        lot_code, expires_on = form.chosen_lot()
        try:
            sheet = stamping.print_stamps(producer_id, variant_id, lot_code, expires_on, form.layout.data,
                                          form.sheets.data)
        except InvalidInput as error:
            for name, messages in (error.errors.get("json") or {}).items():
                getattr(form, name).errors = [*getattr(form, name).errors, *map(translate_message, messages)]
        else:
            return Response(sheet.pdf, mimetype="application/pdf",
                            headers={"Content-Disposition": f'attachment; filename="{sheet.filename}"'})
    status = UNPROCESSABLE if form.is_submitted() else 200
    return render_template("traceability/stamp_sheet.html", producer_id=producer_id, choices=choices,
                           form=form), status
