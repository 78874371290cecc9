"""The back office's home: the queues an admin works through."""

from flask import Blueprint, render_template

from marketplace import access
from marketplace.access import ADMIN
from marketplace.backoffice.queues import queues

blp = Blueprint("backoffice", __name__)


@blp.route("/quan-tri")
@access.requires(ADMIN)
def home():
    return render_template("backoffice/home.html", queues=queues())
