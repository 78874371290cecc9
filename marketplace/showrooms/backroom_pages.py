"""The back room: receiving deliveries, the stock and near-expiry lists, the movement history."""

from flask import Blueprint

blp = Blueprint("point_backroom_pages", __name__, url_prefix="/diem-ban/<int:point_id>")
