"""Liveness and readiness for load balancers and uptime checks."""

import sqlalchemy as sa
from flask.views import MethodView
from marshmallow import fields

from marketplace.access import PUBLIC
from marketplace.api import Blueprint
from marketplace.extensions import db
from marketplace.schemas import StrictSchema

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="Service health")


class HealthSchema(StrictSchema):
    status = fields.String()
    database = fields.String()


@blp.route("")
class Health(MethodView):
    @blp.access(PUBLIC)
    @blp.response(200, HealthSchema)
    def get(self):
        """Is the service up and its database reachable?"""
        db.session.execute(sa.text("SELECT 1"))
        return {"status": "ok", "database": "ok"}
