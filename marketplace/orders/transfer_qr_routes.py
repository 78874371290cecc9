"""API: the VietQR of an order awaiting a bank transfer, as SVG and PNG (the payload
itself is in the order's payment.bank_transfer.qr_payload). Adds to the shopping blueprint."""

from flask.views import MethodView
from flask_login import current_user

from marketplace import vietqr
from marketplace.access import AUTHENTICATED
from marketplace.orders import transfer_qr
from marketplace.orders.errors import OrderNotFound
from marketplace.orders.routes import blp


def _image(order_id: int, kind: str):
    text, number = transfer_qr.for_shopper(current_user, order_id)
    return vietqr.image_response(text, kind, f"vietqr-{number}")


@blp.route("/orders/<int:order_id>/transfer-qr.svg")
class OrderTransferQrSvg(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, content_type="image/svg+xml", description="The VietQR, scalable, for pages and print")
    @blp.errors(OrderNotFound, transfer_qr.NoTransferAwaited)
    def get(self, order_id):
        """The VietQR that pays one of your orders by bank transfer, as SVG"""
        return _image(order_id, "svg")


@blp.route("/orders/<int:order_id>/transfer-qr.png")
class OrderTransferQrPng(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, content_type="image/png", description="The VietQR, to save and scan from a phone's photos")
    @blp.errors(OrderNotFound, transfer_qr.NoTransferAwaited)
    def get(self, order_id):
        """The VietQR that pays one of your orders by bank transfer, as PNG"""
        return _image(order_id, "png")
