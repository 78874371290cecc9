import marshmallow as ma
from flask import current_app
from marshmallow import fields, validate

from marketplace.accounts.schemas import PhoneField
from marketplace.catalog.schemas import ProducerSummarySchema
from marketplace.orders.cart import MAX_LINE_QUANTITY
from marketplace.orders import transfer_qr
from marketplace.orders.lifecycle import OrderStatus, SubOrderStatus
from marketplace.payments.models import PaymentMethod, PaymentStatus
from marketplace.regions.schemas import ProvinceCode, ProvinceSchema, WardCode, WardSchema, ward_in_province
from marketplace.schemas import Date, Int, LocalDateTime, PageArgs, PriceVnd, RowId, StrictSchema, Text, VndDisplay
from marketplace.errors import N_


# --- input -------------------------------------------------------------------

class CartLineInSchema(StrictSchema):
    quantity = Int(required=True, validate=validate.Range(min=1, max=MAX_LINE_QUANTITY))


class AddressSchema(StrictSchema):
    recipient_name = Text(max_length=120, required=True)
    phone = PhoneField(required=True)
    province_code = ProvinceCode(required=True)
    ward_code = WardCode(required=True)
    street_address = Text(max_length=200, required=True)

    ward_lies_in_province = ward_in_province()


class SavedAddressInSchema(AddressSchema):
    label = Text(max_length=40, min_length=0, load_default="", metadata={"description": "e.g. Nhà, Công ty"})
    is_default = fields.Boolean(load_default=False)


class SavedAddressChangeSchema(SavedAddressInSchema):
    """Any of the fields (load it with partial=True); a new province comes with its ward."""

    label = Text(max_length=40, min_length=0)
    is_default = fields.Boolean()

    @ma.validates_schema
    def province_comes_with_its_ward(self, data, **kwargs):
        if "province_code" in data and "ward_code" not in data:
            raise ma.ValidationError({"ward_code": [N_("Send the ward together with a new province.")]})


class CheckoutSchema(StrictSchema):
    """Ship to a new address (shipping_address) or to one of your saved ones (address_id): exactly one of the two."""

    shipping_address = fields.Nested(AddressSchema, metadata={"description": "Where to ship; or send address_id"})
    address_id = RowId(metadata={"description": "One of your saved addresses (GET /addresses); or send shipping_address"})
    payment_method = fields.Enum(PaymentMethod, by_value=True, required=True)
    note = Text(max_length=500, min_length=0, load_default="")

    # Run even when other fields are wrong, so one answer lists every fix; it
    # looks at what was sent, since a wrong address is left out of `data`.
    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def one_address(self, data, original, **kwargs):
        sent = original if isinstance(original, dict) else {}
        given = [name for name in ("shipping_address", "address_id") if sent.get(name) is not None]
        if not given:
            raise ma.ValidationError({"shipping_address": [
                N_("Send a shipping_address, or the address_id of one of your saved addresses.")]})
        if len(given) == 2:
            raise ma.ValidationError({"address_id": [N_("Send either address_id or shipping_address, not both.")]})


class CancelSchema(StrictSchema):
    reason = Text(max_length=500, min_length=0, load_default="")


class ProducerCancelSchema(StrictSchema):
    reason = Text(max_length=500, required=True)


class ShipSchema(StrictSchema):
    carrier = Text(max_length=80, required=True, metadata={"description": "e.g. Viettel Post, GHN, VNPost"})
    tracking_number = Text(max_length=80, required=True)


class DeliverSchema(StrictSchema):
    cash_collected_vnd = Int(validate=validate.Range(min=0), load_default=None, allow_none=True,
                             metadata={"description": "Required for cash on delivery: the cash taken"})


class OrderQuerySchema(PageArgs):
    status = fields.Enum(OrderStatus, by_value=True)


def _order_search(**kwargs):
    return fields.String(validate=validate.Length(max=100), metadata={
        "description": "An order number or bank-transfer reference (or its start), the shopper's email, or a phone"},
        **kwargs)


class SubOrderQuerySchema(PageArgs):
    q = _order_search()
    status = fields.Enum(SubOrderStatus, by_value=True)
    since = Date(metadata={"description": "Placed on or after this date (Vietnam time)"})
    until = Date(metadata={"description": "Placed on or before this date (Vietnam time)"})


class AdminOrderQuerySchema(OrderQuerySchema):
    q = _order_search()
    payment_method = fields.Enum(PaymentMethod, by_value=True)
    payment_status = fields.Enum(PaymentStatus, by_value=True)


class ConfirmTransferSchema(StrictSchema):
    amount_vnd = PriceVnd(required=True)
    bank_reference = Text(max_length=120, required=True, metadata={"description": "The bank's transaction id"})


class RefundSchema(StrictSchema):
    amount_vnd = PriceVnd(required=True)
    reason = Text(max_length=500, required=True)


class RefundShareSchema(StrictSchema):
    sub_order_id = Int(required=True, validate=validate.Range(min=1))
    amount_vnd = PriceVnd(required=True)


class RefundAllocationSchema(StrictSchema):
    parts = fields.List(fields.Nested(RefundShareSchema), required=True, validate=validate.Length(max=100),
                        metadata={"description": "How much of the refund each part's goods account for; "
                                                 "what is left is the platform's"})
    reason = Text(max_length=500, required=True)


# --- output ------------------------------------------------------------------

class CartLineSchema(StrictSchema):
    variant_id = fields.Integer(attribute="line.variant_id")
    product_id = fields.Integer(attribute="line.variant.product_id")
    product_name = fields.String(attribute="line.variant.product.name")
    variant_label = fields.String(attribute="line.variant.label")
    quantity = fields.Integer(attribute="line.quantity")
    unit_price_vnd = fields.Integer()
    unit_price_display = VndDisplay("unit_price_vnd")
    price_seen_vnd = fields.Integer(attribute="line.price_seen_vnd")
    line_total_vnd = fields.Integer()
    available_quantity = fields.Integer(attribute="line.variant.stock_quantity")
    warnings = fields.List(fields.String())


class CartGroupSchema(StrictSchema):
    producer = fields.Nested(ProducerSummarySchema)
    lines = fields.List(fields.Nested(CartLineSchema))
    items_total_vnd = fields.Integer()


class CartSchema(StrictSchema):
    groups = fields.List(fields.Nested(CartGroupSchema))
    items_total_vnd = fields.Integer()
    items_total_display = VndDisplay("items_total_vnd")


class StatusChangeSchema(StrictSchema):
    from_status = fields.String(allow_none=True, metadata={"description": "null for the sub-order's creation"})
    to_status = fields.String()
    actor = fields.String()
    reason = fields.String()
    created_at = LocalDateTime()


class OrderLineSchema(StrictSchema):
    variant_id = fields.Integer()
    product_id = fields.Integer()
    product_name = fields.String()
    variant_label = fields.String()
    unit_price_vnd = fields.Integer()
    quantity = fields.Integer()
    line_total_vnd = fields.Integer()


class SubOrderSchema(StrictSchema):
    id = fields.Integer()
    producer = fields.Nested(ProducerSummarySchema)
    status = fields.String()
    lines = fields.List(fields.Nested(OrderLineSchema))
    items_total_vnd = fields.Integer()
    shipping_fee_vnd = fields.Integer()
    total_vnd = fields.Integer()
    total_display = VndDisplay("total_vnd")
    refunded_vnd = fields.Integer()
    carrier = fields.String()
    tracking_number = fields.String()
    cancel_reason = fields.String()
    cash_collected_vnd = fields.Integer(allow_none=True)
    delivered_at = LocalDateTime(allow_none=True)
    history = fields.List(fields.Nested(StatusChangeSchema))


class AddressOutSchema(StrictSchema):
    recipient_name = fields.String()
    phone = fields.String()
    province = fields.Nested(ProvinceSchema)
    ward = fields.Nested(WardSchema)
    street_address = fields.String()


_ADDRESS_OUT = AddressOutSchema()  # built once: a schema is costly to build, and dumping does not change it
_TIME = LocalDateTime()


def _local_time(value):
    """A timestamp in Vietnam's time zone, as every LocalDateTime field shows it."""
    return _TIME._serialize(value, None, None)


def payment_retry(order) -> dict | None:
    """How to open a card payment that checkout could not open (Stripe didn't answer)."""
    payment = order.payment
    if payment.method is not PaymentMethod.CARD or not payment.is_open or payment.stripe_payment_intent_id:
        return None
    return {"method": "POST", "path": f"/api/v1/orders/{order.id}/payment-intent",
            "message": "The card payment could not be opened: the payment provider did not answer. "
                       "Your order is placed and its items are held until reserved_until; "
                       "send this request to get the card payment and pay."}


def _payment_view(order, *, for_payer: bool = True) -> dict:
    """The order's payment. The Stripe client secret lets whoever holds it pay
    (or see) the PaymentIntent from a browser: only the paying shopper gets it."""
    payment = order.payment
    view = {"method": payment.method.value, "status": payment.status.value, "amount_vnd": payment.amount_vnd,
            "refunded_vnd": payment.refunded_vnd, "paid_at": _local_time(payment.paid_at)}
    if payment.method is PaymentMethod.CARD and payment.status is not PaymentStatus.SUCCEEDED:
        view["stripe"] = {"payment_intent_id": payment.stripe_payment_intent_id}
        if for_payer:
            view["stripe"] |= {"client_secret": payment.stripe_client_secret,
                               "publishable_key": current_app.config["STRIPE_PUBLISHABLE_KEY"]}
            retry = payment_retry(order)
            if retry:
                view["retry"] = retry
        if payment.failure_message:
            view["failure_message"] = payment.failure_message
    if payment.method is PaymentMethod.BANK_TRANSFER:
        view["bank_transfer"] = {**current_app.config["PLATFORM_BANK"], "amount_vnd": payment.amount_vnd,
                                 "reference": order.transfer_reference,
                                 "instructions": f"Chuyển khoản đúng số tiền, nội dung: {order.transfer_reference}"}
        payload = transfer_qr.payload_of(order) if for_payer else None
        if payload:  # only while the transfer is awaited
            view["bank_transfer"] |= {"qr_payload": payload,
                                      "qr_svg": f"/api/v1/orders/{order.id}/transfer-qr.svg",
                                      "qr_png": f"/api/v1/orders/{order.id}/transfer-qr.png"}
    return view


class OrderSchema(StrictSchema):
    id = fields.Integer()
    number = fields.String()
    status = fields.Enum(OrderStatus, by_value=True)
    payment_method = fields.Enum(PaymentMethod, by_value=True)
    items_total_vnd = fields.Integer()
    shipping_total_vnd = fields.Integer()
    total_vnd = fields.Integer()
    total_display = VndDisplay("total_vnd")
    shipping_address = fields.Function(lambda o: _ADDRESS_OUT.dump(o))
    note = fields.String()
    reserved_until = LocalDateTime(allow_none=True)
    created_at = LocalDateTime()
    payment = fields.Function(_payment_view, metadata={
        "description": "Status; paid_at in +07:00; for cards the Stripe client secret (the paying shopper's own "
                       "orders only), or, if checkout could not reach Stripe, `retry`: the request that opens the "
                       "card payment (POST /api/v1/orders/{id}/payment-intent); for transfers the bank details "
                       "and reference, and while the transfer is awaited its VietQR: `qr_payload` (NAPAS's "
                       "EMVCo text) and the paths of its images, `qr_svg` and `qr_png`"})
    sub_orders = fields.List(fields.Nested(SubOrderSchema))


def _admin_payment_view(order) -> dict:
    view = _payment_view(order, for_payer=False)
    awaiting = [r for r in order.payment.refunds if r.awaiting_allocation]
    if awaiting:  # refunds made in Stripe that hold the parts' earnings until allocated
        view["refunds_awaiting_allocation"] = [
            {"id": r.id, "amount_vnd": r.amount_vnd, "reason": r.reason, "created_at": _local_time(r.created_at)}
            for r in awaiting]
    return view


class AdminOrderSchema(OrderSchema):
    """An admin's view of any order: the shopper's, less what only the payer may hold."""

    payment = fields.Function(_admin_payment_view, metadata={
        "description": "Status; for cards the PaymentIntent id (never its client secret); "
                       "for transfers the bank details and reference; refunds made in Stripe awaiting allocation"})


class ProducerSubOrderSchema(SubOrderSchema):
    """A producer's view: its own part, where to send it, and how it is paid."""

    class Meta:
        exclude = ("producer",)

    order_number = fields.String(attribute="order.number")
    payment_method = fields.String(attribute="order.payment_method")
    shipping_address = fields.Function(lambda s: _ADDRESS_OUT.dump(s.order))
    created_at = LocalDateTime()


class SavedAddressSchema(AddressOutSchema):
    id = fields.Integer()
    label = fields.String()
    is_default = fields.Boolean()
    created_at = LocalDateTime()
