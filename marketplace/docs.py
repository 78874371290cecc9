"""Serves Swagger UI's assets from the swagger-ui-bundle package, so the
interactive docs at /api/v1/docs work without a CDN."""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

assets_blueprint = Blueprint("docs_assets", __name__)


@assets_blueprint.route("/api/v1/docs/assets/<path:filename>")
def swagger_asset(filename):
    return send_from_directory(swagger_ui_path, filename)
