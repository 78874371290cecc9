"""The portal's own pages: the home (which producer?) and the dashboard."""

from flask import Blueprint, current_app, g, redirect, render_template, url_for
from babel.numbers import format_compact_decimal
from flask_babel import format_date, get_locale, gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.access import AUTHENTICATED
from marketplace.producers.access import PRODUCER_MEMBER
from marketplace.portal.dashboard import Dashboard, dashboard_of
from marketplace.producers.services import producers_of
from marketplace.web.charts import line_chart

blp = Blueprint("portal", __name__, url_prefix="/kenh-nguoi-ban")


@blp.app_template_global()
def portal_url(endpoint: str, producer_id: int, **values) -> str | None:
    """A portal link to a page another package may not have registered yet (None: leave it out)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, producer_id=producer_id, **values)


@blp.app_template_global()
def portal_memberships():
    """The producers the signed-in user acts for, for the layout's switcher."""
    return producers_of(current_user) if current_user.is_authenticated else []


@blp.app_template_global()
def portal_membership():
    """The membership the access rule found for the producer in the URL."""
    return g.get("membership")


@blp.get("")
@access.requires(AUTHENTICATED)
def home():
    memberships = producers_of(current_user)
    if len(memberships) == 1:
        return redirect(url_for(".dashboard", producer_id=memberships[0].producer_id))
    return render_template("portal/home.html", memberships=memberships)


@blp.get("/<int:producer_id>")
@access.requires(PRODUCER_MEMBER)
def dashboard(producer_id: int):
    board = dashboard_of(producer_id)
    return render_template("portal/dashboard.html", producer=g.membership.producer, board=board,
                           chart=_sales_chart(board))


def _sales_chart(board: Dashboard):
    """The last 30 days' sales as SVG, labelled in the page's language (the page repeats it as a table)."""
    return line_chart(_("Doanh số 30 ngày qua"), [format_date(day.day, "dd/MM") for day in board.sales],
                      {_("Doanh số"): [day.total_vnd for day in board.sales]},
                      x_labels_major_every=7, show_minor_x_labels=False, value_formatter=_short_amount, show_legend=False,
                      include_x_axis=True, fill=True)


def _short_amount(amount) -> str:
    """The axis's amounts, short in the page's language: "300 N" in Vietnamese, "300K" in English."""
    return format_compact_decimal(amount or 0, locale=get_locale())
