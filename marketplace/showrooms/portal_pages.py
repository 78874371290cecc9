"""The producer portal's view of display points: stock, sales, returns and goods in transit at every point."""

from flask import Blueprint

blp = Blueprint("portal_point_pages", __name__, url_prefix="/kenh-nguoi-ban/<int:producer_id>/diem-ban")
