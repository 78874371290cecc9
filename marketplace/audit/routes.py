"""Admins read the audit log."""

from flask.views import MethodView

from marketplace.access import ADMIN
from marketplace.api import Blueprint
from marketplace.audit import schemas, services
from marketplace.schemas import page_of

blp = Blueprint("admin_audit", __name__, url_prefix="/api/v1/admin/audit-log",
                description="Admin: the audit log of every admin action (append-only)")


@blp.route("")
class AuditLog(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.AuditQuerySchema, location="query")
    @blp.response(200, page_of(schemas.AuditEntrySchema))
    def get(self, query):
        """Every admin action, newest first: who, what, to what and when; filtered by actor, action, target, days"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return services.search(**query, page=page, per_page=per_page)
