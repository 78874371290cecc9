"""API: the VietQR a till shows when a customer pays by bank transfer, for the
sale's amount and reference, drawn before the sale is recorded (the till records
it once the money is seen). It asks for a transfer to the platform's account,
as every order's does. Adds to the operator blueprint (operator.py)."""

from flask.views import MethodView
from marshmallow import fields, validate

from marketplace import vietqr
from marketplace.errors import N_
from marketplace.schemas import Int, StrictSchema
from marketplace.showrooms.access import POINT_OPERATOR
from marketplace.showrooms.operator import blp


class TransferQrQuerySchema(StrictSchema):
    amount_vnd = Int(strict=False, required=True, validate=validate.Range(min=1, max=vietqr.MAX_AMOUNT_VND),
                     metadata={"description": "The sale's total in đồng", "example": 245000})
    reference = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9]([A-Za-z0-9 ]{0,23}[A-Za-z0-9])?$",
        error=N_("1 to 25 letters (without diacritics), digits or inner spaces.")),
        metadata={"description": "The transfer's content, as the till will look for it", "example": "DB1 0042"})


@blp.route("/<int:point_id>/transfer-qr.svg")
class TransferQr(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(TransferQrQuerySchema, location="query")
    @blp.response(200, content_type="image/svg+xml", description="The VietQR, scalable, to show the customer")
    def get(self, query, point_id):
        """The VietQR for a sale paid by bank transfer: its amount and reference, to the platform's account"""
        return vietqr.image_response(vietqr.platform_payload(query["amount_vnd"], query["reference"]), "svg",
                                     f"vietqr-{query['reference'].replace(' ', '-')}")
