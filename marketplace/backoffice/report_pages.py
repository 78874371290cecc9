"""The report pages (/quan-tri/bao-cao...): revenue by period, and sales by province, OCOP group
and star rating, each as a chart, the table with the same numbers beside it, and the CSV.

They are added to the back office's blueprint (endpoints backoffice.reports, backoffice.sales, ...)
so the admin nav links them; marketplace/__init__.py imports this module before registering it.
"""

from flask import render_template, request
from flask_babel import gettext as _

from marketplace import access
from marketplace.access import ADMIN
from marketplace.backoffice import reports
from marketplace.backoffice.forms import PERIOD_LABELS, ReportForm
from marketplace.backoffice.pages import blp
from marketplace.downloads import csv_file, csv_text
from marketplace.web.charts import horizontal_bar_chart, line_chart
from marketplace.web.i18n import local_date
from marketplace.web.labels import GROUPS

UNPROCESSABLE = 422
DIMENSION_SLUGS = {"theo-tinh": "province", "theo-nhom": "group", "theo-sao": "stars"}
CHART_ROWS = 10  # the chart shows the ten largest; the table all of them


def dimension_titles():
    return {"province": _("Doanh số theo tỉnh, thành phố"), "group": _("Doanh số theo nhóm sản phẩm OCOP"),
            "stars": _("Doanh số theo hạng sao OCOP")}


def _period_label(period: str, start) -> str:
    if period == "month":
        return f"{start.month:02d}/{start.year}"
    return local_date(start)


def _revenue_chart(period: str, rows: list[dict]):
    labels = [_period_label(period, row["period_start"]) for row in rows]
    return line_chart(_("Doanh số (đồng)"), labels, {_("Doanh số"): [r["sales_vnd"] for r in rows],
                                                    _("Hoa hồng"): [r["commission_vnd"] for r in rows]},
                      x_label_rotation=45 if len(rows) > 8 else 0, show_minor_x_labels=False,
                      x_labels_major_count=8, height=400)


def labelled(dimension: str, rows: list[dict]) -> list[dict]:
    """The rows with the label a reader sees, in the page's language (the CSV carries it too)."""
    for row in rows:
        if dimension == "group":
            row["label"] = str(GROUPS.get(row["key"], row["key"]))
        elif dimension == "stars":
            row["label"] = _("%(count)d sao", count=row["key"]) if row["key"] else _("Chưa có sao")
    return rows


def _sales_chart(dimension: str, rows: list[dict]):
    top = rows[:CHART_ROWS]
    return horizontal_bar_chart(_("Doanh số (đồng)"), [r["label"] for r in top],
                                {_("Doanh số"): [r["sales_vnd"] for r in top]}, show_legend=False,
                                height=max(240, 60 + 36 * len(top)))


@blp.get("/quan-tri/bao-cao", endpoint="reports")
@blp.get("/quan-tri/bao-cao/doanh-thu", endpoint="revenue")
@access.requires(ADMIN)
def revenue():
    form = ReportForm(request.args)
    chosen = form.chosen()
    if chosen is None:
        return render_template("backoffice/report_revenue.html", form=form, rows=None), UNPROCESSABLE
    rows = reports.revenue_by_period(*chosen)
    return render_template("backoffice/report_revenue.html", form=form, rows=rows, period=chosen[0], span=chosen[1],
                           chart=_revenue_chart(chosen[0], rows), period_label=_period_label,
                           period_labels=PERIOD_LABELS)


@blp.get("/quan-tri/bao-cao/doanh-thu.csv")
@access.requires(ADMIN)
def revenue_csv():
    chosen = ReportForm(request.args).chosen()
    if chosen is None:
        return revenue()
    return csv_file(csv_text(reports.REVENUE_COLUMNS, reports.revenue_by_period(*chosen)),
                    f"revenue-{chosen[0]}-{chosen[1].since}-{chosen[1].until}.csv")


@blp.get("/quan-tri/bao-cao/<any('theo-tinh', 'theo-nhom', 'theo-sao'):report>", endpoint="sales")
@access.requires(ADMIN)
def sales(report: str):
    dimension, form = DIMENSION_SLUGS[report], ReportForm(request.args, with_period=False)
    chosen = form.chosen()
    rows = labelled(dimension, reports.sales_by(dimension, chosen[1])) if chosen else None
    return render_template("backoffice/report_sales.html", form=form, rows=rows, report_slug=report, dimension=dimension,
                           title=dimension_titles()[dimension], span=chosen and chosen[1],
                           chart=rows and _sales_chart(dimension, rows)), 200 if chosen else UNPROCESSABLE


@blp.get("/quan-tri/bao-cao/<any('theo-tinh', 'theo-nhom', 'theo-sao'):report>.csv", endpoint="sales_csv")
@access.requires(ADMIN)
def sales_csv(report: str):
    dimension, chosen = DIMENSION_SLUGS[report], ReportForm(request.args, with_period=False).chosen()
    if chosen is None:
        return sales(report)
    rows = labelled(dimension, reports.sales_by(dimension, chosen[1]))
    return csv_file(csv_text(reports.SALES_COLUMNS, rows), f"sales-{dimension}-{chosen[1].since}-{chosen[1].until}.csv")
