"""Admins set up display points, their operators and consignments, and read sales reports."""

from flask.views import MethodView

from marketplace.access import ADMIN
from marketplace.api import Blueprint
from marketplace.downloads import csv_file, csv_text
from marketplace.schemas import page_of
from marketplace.producers.models import ProducerNotFound
from marketplace.showrooms import queries, schemas, services
from marketplace.showrooms.models import AlreadyOperator, NoAccountWithEmail, OperatorNotFound, PointNotFound

blp = Blueprint("admin_display_points", __name__, url_prefix="/api/v1/admin",
                description="Admin: display points, operators, consignments and reports")


@blp.route("/display-points")
class Points(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.AdminPointQuerySchema, location="query")
    @blp.response(200, page_of(schemas.AdminPointSchema))
    def get(self, query):
        """Every display point, by status and province"""
        return services.list_points(query.get("status"), query.get("province"), query["page"], query["per_page"])

    @blp.access(ADMIN)
    @blp.arguments(schemas.PointWriteSchema)
    @blp.response(201, schemas.AdminPointSchema)
    def post(self, data):
        """Open a display point"""
        return services.create_point(data)


@blp.route("/display-points/<int:point_id>")
class Point(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.PointPatchSchema(partial=True))
    @blp.response(200, schemas.AdminPointSchema)
    @blp.errors(PointNotFound)
    def patch(self, changes, point_id):
        """Edit a display point, or close it"""
        return services.update_point(point_id, changes)


@blp.route("/display-points/<int:point_id>/operators")
class Operators(MethodView):
    @blp.access(ADMIN)
    @blp.response(200, schemas.OperatorSchema(many=True))
    @blp.errors(PointNotFound)
    def get(self, point_id):
        """Who operates this point"""
        return services.operators_of(point_id)

    @blp.access(ADMIN)
    @blp.arguments(schemas.OperatorInSchema)
    @blp.response(201, schemas.OperatorSchema)
    @blp.errors(PointNotFound, NoAccountWithEmail, AlreadyOperator)
    def post(self, data, point_id):
        """Assign an account to operate this point"""
        return services.assign_operator(point_id, data["email"], data["lead"])


@blp.route("/display-points/<int:point_id>/operators/<int:user_id>")
class Operator(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.OperatorPatchSchema)
    @blp.response(200, schemas.OperatorSchema)
    @blp.errors(OperatorNotFound)
    def patch(self, data, point_id, user_id):
        """Make an operator the point's lead (who approves large discounts at the till), or not"""
        return services.set_operator_lead(point_id, user_id, data["lead"])

    @blp.access(ADMIN)
    @blp.response(204)
    @blp.errors(OperatorNotFound)
    def delete(self, point_id, user_id):
        """Withdraw an operator from this point"""
        services.remove_operator(point_id, user_id)


@blp.route("/display-points/<int:point_id>/consignments/<int:producer_id>")
class Consignment(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.ConsignmentInSchema)
    @blp.response(200, schemas.ConsignmentSchema)
    @blp.errors(PointNotFound, ProducerNotFound)
    def put(self, data, point_id, producer_id):
        """Agree, change or end the consignment of a producer's products at this point"""
        return services.set_consignment(point_id, producer_id, data["commission_rate_bps"], data["active"])


@blp.route("/reports/point-sales")
class SalesReport(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.SalesReportQuerySchema, location="query")
    @blp.response(200, schemas.SalesReportRowSchema(many=True))
    def get(self, query):
        """Display-point sales by point, product or producer, per day or month"""
        return queries.sales_report(query["group_by"], query["period"], query.get("since"), query.get("until"),
                                    query.get("point_id"))


@blp.route("/reports/point-sales.csv")
class SalesReportCsv(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.SalesReportQuerySchema, location="query")
    @blp.response(200, content_type="text/csv", description="The same report as CSV")
    def get(self, query):
        """Display-point sales report as CSV"""
        rows = queries.sales_report(query["group_by"], query["period"], query.get("since"), query.get("until"),
                                    query.get("point_id"))
        return csv_file(csv_text(queries.REPORT_COLUMNS, rows), "point-sales.csv")
