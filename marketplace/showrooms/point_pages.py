"""The display point's own pages (/diem-ban): the points you operate, a point's home
(today at a glance), and the layout every operator page extends (templates/showrooms/
point/base.html). The till and the back room add their pages to this blueprint
(till_pages.py, backroom_pages.py, ...). Every page of one point takes POINT_OPERATOR:
someone who does not operate it gets a 404, as from the API."""

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace import access
from marketplace.access import AUTHENTICATED
from marketplace.showrooms import queries, services
from marketplace.showrooms.access import POINT_OPERATOR

blp = Blueprint("point_pages", __name__, url_prefix="/diem-ban")


@blp.app_template_global()
def point_url(endpoint: str, point_id: int, **values) -> str | None:
    """A link to a point's page another module may not have registered yet (None: leave it out)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, point_id=point_id, **values)


@blp.app_template_global()
def operated_points():
    """The display points the signed-in user operates, for the site header."""
    if not current_user.is_authenticated:
        return []
    if "operated_points" not in g:
        g.operated_points = queries.points_of_operator(current_user.id)
    return g.operated_points


@blp.app_template_global()
def current_point():
    """The point named in the URL (the access rule has let the caller in), for the layout."""
    point_id = (request.view_args or {}).get("point_id")
    if point_id is None:
        return None
    if g.get("current_point") is None or g.current_point.id != point_id:
        g.current_point = services.get_point(point_id)
    return g.current_point


@blp.get("")
@access.requires(AUTHENTICATED)
def mine():
    points = operated_points()
    if len(points) == 1:
        return redirect(url_for(".home", point_id=points[0].id))
    return render_template("showrooms/point/mine.html", points=points)


@blp.get("/<int:point_id>")
@access.requires(POINT_OPERATOR)
def home(point_id: int):
    return render_template("showrooms/point/home.html", point=current_point(),
                           today=queries.sales_summary(point_id))
