"""The settings hub (/quan-tri/cai-dat): links to the commission rates (pricing/admin_pages.py) and
the display points (showrooms/admin_pages.py). Added to the back office's blueprint, as the reports are."""

from flask import render_template

from marketplace import access
from marketplace.access import ADMIN
from marketplace.backoffice.pages import blp


@blp.get("/quan-tri/cai-dat", endpoint="settings")
@access.requires(ADMIN)
def settings():
    return render_template("backoffice/settings.html")
