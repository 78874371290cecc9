"""The till (/diem-ban/<point>/ban-hang), its receipts and the end of day."""

from flask import Blueprint

blp = Blueprint("point_till_pages", __name__, url_prefix="/diem-ban/<int:point_id>")
