"""The portal's own pages: the home (which producer?) and the dashboard."""

from flask import Blueprint, current_app, g, redirect, render_template, url_for
from flask_login import current_user

from marketplace import access
from marketplace.access import AUTHENTICATED
from marketplace.producers.access import PRODUCER_MEMBER
from marketplace.producers.services import producers_of

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
    return render_template("portal/dashboard.html", producer=g.membership.producer)
