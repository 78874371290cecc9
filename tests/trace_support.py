"""A traced product for the traceability tests: an approved cooperative's certified product
whose variant has an EAN-13, and a display point that can receive it."""

from datetime import timedelta

from marketplace.clock import today_vn
from marketplace.extensions import db
from tests.factories import ProductFactory
from tests.point_factories import DisplayPointFactory, consign, receive

EAN = "8936186900112"
GTIN14 = "0" + EAN


class Traced:
    def __init__(self, **product_fields):
        self.product = ProductFactory(name="Cà phê Arabica Mường Ảng", certifications=["vietgap"],
                                      ocop_decision_number="1234/QĐ-UBND", **product_fields)
        self.variant = self.product.variants[0]
        self.variant.gtin = EAN
        self.variant.label = "Gói 250 g"
        db.session.commit()
        self.producer = self.product.producer

    def point(self, name: str):
        point = DisplayPointFactory(name=name)
        consign(point, self.producer)
        return point

    def receive(self, point, lot_code: str = "MA-2611", days: int = 300, quantity: int = 5):
        receive(point, self.variant, quantity, lot_code, today_vn() + timedelta(days=days))
