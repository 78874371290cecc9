"""marshmallow output schemas of the payments API."""

from marshmallow import fields

from marketplace.payments.models import PaymentMethod
from marketplace.schemas import StrictSchema, VndDisplay


class WebhookResultSchema(StrictSchema):
    received = fields.Boolean()
    result = fields.String(metadata={"description": "processed | duplicate | ignored"})


class PlatformBankAccountSchema(StrictSchema):
    bank_name = fields.String()
    bank_bin = fields.String(metadata={"description": "NAPAS bank identification number"})
    account_number = fields.String()
    account_name = fields.String()


class ReservationSchema(StrictSchema):
    hours = fields.Integer()
    minutes = fields.Integer()


class PaymentMethodOptionSchema(StrictSchema):
    method = fields.Enum(PaymentMethod, by_value=True)
    reservation = fields.Nested(ReservationSchema, allow_none=True, metadata={
        "description": "How long the stock is held while payment is awaited (null: no hold, cash on delivery)"})
    bank = fields.Nested(PlatformBankAccountSchema, metadata={"description": "bank_transfer: the account to pay into"})
    publishable_key = fields.String(metadata={"description": "card: the Stripe key for card entry"})


class ShippingFeesSchema(StrictSchema):
    same_province_vnd = fields.Integer()
    same_province_display = VndDisplay("same_province_vnd")
    same_region_vnd = fields.Integer()
    same_region_display = VndDisplay("same_region_vnd")
    other_region_vnd = fields.Integer()
    other_region_display = VndDisplay("other_region_vnd")
    free_from_vnd = fields.Integer(allow_none=True, metadata={"description": "A producer's part at or above this ships free (null: never)"})


class CheckoutOptionsSchema(StrictSchema):
    payment_methods = fields.List(fields.Nested(PaymentMethodOptionSchema))
    shipping = fields.Nested(ShippingFeesSchema, metadata={"description": "Per producer's part of an order"})
