"""Transfers between points, guided counts and write-offs."""

from flask import Blueprint

blp = Blueprint("point_transfer_pages", __name__, url_prefix="/diem-ban/<int:point_id>")
