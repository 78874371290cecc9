"""The report pages (/quan-tri/bao-cao...): revenue by period, and sales by province, OCOP group
and star rating, each as a chart, the table with the same numbers beside it, and the CSV.

They are added to the back office's blueprint (endpoints backoffice.reports, backoffice.sales, ...)
so the admin nav links them; marketplace/__init__.py imports this module before registering it.
"""

from babel.numbers import format_compact_decimal
from flask import render_template, request
from flask_babel import format_date, get_locale, gettext as _

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


def _period_label(period: str, start, short: bool = False) -> str:
    """A month as 12/2026; a day, or a week by its Monday, as a date (on the chart without the year)."""
    if period == "month":
        return f"{start.month:02d}/{start.year}"
    if short:
        return format_date(start, "dd/MM" if str(get_locale()) == "vi" else "d MMM")
    return _("Tuần từ %(day)s", day=local_date(start)) if period == "week" else local_date(start)


def _short_amount(amount) -> str:
    """The axis' amounts, short enough for a phone: "1,5 Tr" in Vietnamese, "1.5M" in English."""
    return format_compact_decimal(amount or 0, locale=get_locale(), fraction_digits=1)


def nice_ticks(largest: int, count: int = 4) -> list[int]:
    """A few round amounts from 0 past the largest (0, 500 000, 1 000 000, ...), so the axis labels
    never run into each other on a phone."""
    if largest <= 0:
        return [0]
    raw = largest / count
    magnitude = 10 ** (len(str(int(raw))) - 1)
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [int(step * i) for i in range(count + 2) if step * (i - 1) < largest]


def _revenue_chart(period: str, rows: list[dict]):
    labels = [_period_label(period, row["period_start"], short=True) for row in rows]
    return line_chart(_("Doanh số (đồng)"), labels, {_("Doanh số"): [r["sales_vnd"] for r in rows],
                                                    _("Hoa hồng"): [r["commission_vnd"] for r in rows]},
                      x_label_rotation=45 if len(rows) > 6 else 0, show_minor_x_labels=False,
                      x_labels_major_count=6, value_formatter=_short_amount,
                      y_labels=nice_ticks(max([r["sales_vnd"] for r in rows] + [0]), 5))


def labelled(dimension: str, rows: list[dict]) -> list[dict]:
    """The rows with the label a reader sees, in the page's language (the CSV carries it too)."""
    for row in rows:
        if dimension == "group":
            row["label"] = str(GROUPS.get(row["key"], row["key"]))
        elif dimension == "stars":
            row["label"] = _("%(count)d sao", count=row["key"]) if row["key"] else _("Chưa có sao")
    return rows


def _sales_chart(dimension: str, rows: list[dict]):
    top = rows[:CHART_ROWS][::-1]  # pygal lays the first bar at the bottom: the largest goes on top
    return horizontal_bar_chart(_("Doanh số (đồng)"), [r["label"] for r in top],
                                {_("Doanh số"): [r["sales_vnd"] for r in top]}, show_legend=False,
                                value_formatter=_short_amount, height=max(200, 60 + 30 * len(top)),
                                y_labels=nice_ticks(top[-1]["sales_vnd"] if top else 0, 3))


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
