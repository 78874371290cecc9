"""The producer portal's view of display points (/kenh-nguoi-ban/<producer>/diem-ban): your
stock at every point, what the points sold and returned to you in a period, and your goods
moving between points; over the reads the portal API serves (queries.producer_*)."""

from flask import Blueprint, render_template, request

from marketplace import access
from marketplace.web.period_form import PeriodForm
from marketplace.producers.access import PRODUCER_MEMBER
from marketplace.showrooms import producer_reads, queries
from marketplace.showrooms.models import MovementKind

blp = Blueprint("portal_point_pages", __name__, url_prefix="/kenh-nguoi-ban/<int:producer_id>/diem-ban")

PER_PAGE = 50
UNPROCESSABLE = 422


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


@blp.get("")
@access.requires(PRODUCER_MEMBER)
def stock(producer_id: int):
    rows = queries.producer_stock(producer_id, _page(), PER_PAGE)
    return render_template("showrooms/portal/stock.html", summaries=producer_reads.points_summary(producer_id),
                           rows=rows, names=queries.point_names(row.point_id for row in rows.items))


def _lines(producer_id: int, kind: MovementKind, template: str):
    form = PeriodForm(formdata=request.args)
    if not form.validate():
        return render_template(template, form=form, rows=None, totals=None, names={}), UNPROCESSABLE
    since, until = form.tu_ngay.data, form.den_ngay.data
    rows = queries.producer_movement_lines(producer_id, kind, since, until, _page(), PER_PAGE)
    return render_template(template, form=form, rows=rows,
                           totals=producer_reads.period_totals(producer_id, kind, since, until),
                           names=queries.point_names(line.movement.point_id for line in rows.items))


@blp.get("/ban-hang")
@access.requires(PRODUCER_MEMBER)
def sales(producer_id: int):
    return _lines(producer_id, MovementKind.SALE, "showrooms/portal/sales.html")


@blp.get("/tra-lai")
@access.requires(PRODUCER_MEMBER)
def returns(producer_id: int):
    return _lines(producer_id, MovementKind.RETURN_TO_PRODUCER, "showrooms/portal/returns.html")


@blp.get("/dang-chuyen")
@access.requires(PRODUCER_MEMBER)
def in_transit(producer_id: int):
    lines = queries.producer_in_transit(producer_id)
    points = {line.transfer.from_point_id for line in lines} | {line.transfer.to_point_id for line in lines}
    return render_template("showrooms/portal/in_transit.html", lines=lines, names=queries.point_names(points))
