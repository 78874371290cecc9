"""The public trace page at a GS1 Digital Link path (/01/<GTIN-14>[/10/<lot>][?17=YYMMDD]),
in the visitor's language like every page.

A GTIN-8, -12 or -13 in the URL with a correct check digit redirects (301) to its canonical
GTIN-14 path, keeping the lot and the query, so each product and lot has one address; anything
else (a wrong check digit, letters, another length) is not found, on a page that says what that
means for a shopper holding the pack."""

from flask import Blueprint, redirect, render_template, request

from marketplace import access
from marketplace.access import PUBLIC
from marketplace.clock import today_vn
from marketplace.traceability.links import canonical_gtin, parse_expiry, trace_path
from marketplace.traceability.models import UnknownCode, UnknownGtin, UnknownLot
from marketplace.traceability.scans import looks_like_a_robot
from marketplace.traceability.trace import open_trace

blp = Blueprint("trace_pages", __name__)

NOT_FOUND = 404
LOT_CODE_MAX = 60  # Lot.lot_code


@blp.errorhandler(UnknownCode)
def unknown_code(error: UnknownCode):
    return render_template("traceability/unknown.html", lot=isinstance(error, UnknownLot)), NOT_FOUND


@blp.get("/01/<gtin>")
@access.requires(PUBLIC)
def product(gtin: str):
    return _trace(gtin, None)


@blp.get("/01/<gtin>/10/<path:lot>")
@access.requires(PUBLIC)
def lot(gtin: str, lot: str):
    if len(lot) > LOT_CODE_MAX:
        raise UnknownLot()
    return _trace(gtin, lot)


def _trace(raw_gtin: str, lot_code: str | None):
    gtin = canonical_gtin(raw_gtin)
    if gtin is None:
        raise UnknownGtin()
    if gtin != raw_gtin:
        query = request.query_string.decode("ascii", "replace")
        return redirect(trace_path(gtin, lot_code) + (f"?{query}" if query else ""), code=301)
    counted = request.method == "GET" and not looks_like_a_robot(request.user_agent.string)
    page = open_trace(gtin, lot_code, parse_expiry(request.args.get("17"), today_vn()), counted=counted)
    return render_template("traceability/trace.html", page=page)
