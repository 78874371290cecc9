from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from marketplace.accounts.schemas import PhoneField
from marketplace.regions.schemas import ProvinceCode, ProvinceSchema, WardCode, WardSchema, ward_in_province
from marketplace.schemas import Date, Int, LocalDateTime, PageArgs, PriceVnd, RowId, StrictSchema, Text, VndDisplay
from marketplace.showrooms.models import (DEFAULT_MAX_DISCOUNT_BPS, AdjustmentReason, MovementKind, OverrideReason, PointStatus, PointType,
                                          SalePayment)
from marketplace.showrooms.movements import OutLine
from marketplace.showrooms.price_override import Approval
from marketplace.showrooms.till import Sale, SaleLine
from marketplace.errors import N_

MAX_LINES = 200
QUANTITY = validate.Range(min=1, max=100_000)


def _lines(schema, **kwargs):
    return fields.List(fields.Nested(schema), required=True, validate=validate.Length(min=1, max=MAX_LINES), **kwargs)


# --- points ------------------------------------------------------------------

class PointWriteSchema(StrictSchema):
    name = Text(max_length=200, required=True)
    point_type = fields.Enum(PointType, by_value=True, required=True)
    province_code = ProvinceCode(required=True)
    ward_code = WardCode(load_default=None, allow_none=True)
    street_address = Text(max_length=200, min_length=0, load_default="")
    latitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=8, max=24))
    longitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=102, max=118))
    opening_hours = Text(max_length=200, min_length=0, load_default="", metadata={"example": "7:30–21:00 hằng ngày"})
    phone = PhoneField(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    status = fields.Enum(PointStatus, by_value=True, load_default=PointStatus.ACTIVE)
    max_discount_bps = Int(load_default=DEFAULT_MAX_DISCOUNT_BPS, validate=validate.Range(min=0, max=10_000),
                           metadata={"description": "The largest discount at the till without a lead operator's "
                                                    "approval, in basis points (3000 = 30%)"})

    ward_lies_in_province = ward_in_province()


class PointPatchSchema(PointWriteSchema):
    """The same fields, all optional (use with partial=True)."""


class PointSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    point_type = fields.Enum(PointType, by_value=True)
    province = fields.Nested(ProvinceSchema)
    ward = fields.Nested(WardSchema, allow_none=True)
    street_address = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    opening_hours = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    status = fields.Enum(PointStatus, by_value=True)


class PointQuerySchema(PageArgs):
    province = ProvinceCode(strict=False)


class AdminPointQuerySchema(PointQuerySchema):
    status = fields.Enum(PointStatus, by_value=True)


class WhereToBuySchema(StrictSchema):
    point = fields.Nested(PointSchema)
    in_stock = fields.Boolean()
    units = fields.Integer()


class AdminPointSchema(PointSchema):
    max_discount_bps = fields.Integer()


class OperatorInSchema(StrictSchema):
    email = fields.Email(required=True)
    lead = fields.Boolean(load_default=False, metadata={"description": "A lead operator approves large discounts"})


class OperatorPatchSchema(StrictSchema):
    lead = fields.Boolean(required=True)


class OperatorSchema(StrictSchema):
    user_id = fields.Integer()
    lead = fields.Boolean(attribute="is_lead")
    email = fields.String(attribute="user.email")
    full_name = fields.String(attribute="user.full_name")
    created_at = LocalDateTime()


class ConsignmentInSchema(StrictSchema):
    commission_rate_bps = Int(required=True, validate=validate.Range(min=0, max=5000),
                              metadata={"description": "What the point keeps, in basis points (1500 = 15%)"})
    active = fields.Boolean(load_default=True)


class ConsignmentSchema(StrictSchema):
    producer_id = fields.Integer()
    producer_name = fields.String(attribute="producer.name")
    commission_rate_bps = fields.Integer()
    active = fields.Boolean()


# --- stock -------------------------------------------------------------------

class StockRowSchema(StrictSchema):
    variant_id = fields.Integer()
    product_id = fields.Integer(attribute="variant.product_id")
    product_name = fields.String(attribute="variant.product.name")
    variant_label = fields.String(attribute="variant.label")
    on_hand = fields.Integer()
    low_stock_threshold = fields.Integer()
    is_low = fields.Boolean()


class ProducerStockRowSchema(StockRowSchema):
    point_id = fields.Integer()


class ShelfItemSchema(StrictSchema):
    """An item on the point's shelf as the till shows it: price, units left and the lot a sale takes next."""

    variant_id = fields.Integer()
    gtin = fields.String(allow_none=True)
    product_name = fields.String()
    variant_label = fields.String()
    producer_id = fields.Integer()
    producer_name = fields.String()
    price_vnd = fields.Integer()
    price_display = VndDisplay(attribute="price_vnd")
    on_hand = fields.Integer()
    consigned = fields.Boolean(metadata={"description": "The point carries this producer now (a sale needs it)"})
    next_lot_code = fields.String(allow_none=True, metadata={"description": "The lot a sale takes next "
                                                             "(first-expiring, never expired); null: none on hand"})
    next_expires_on = fields.Date(allow_none=True)


class ScanQuerySchema(StrictSchema):
    gtin = fields.String(required=True, validate=validate.Regexp(r"^\d{8,14}$", error=N_("8 to 14 digits.")),
                         metadata={"example": "8936041200111"})


class ItemQuerySchema(StrictSchema):
    q = fields.String(load_default="", validate=validate.Length(max=100),
                      metadata={"description": "Words of the name or label, diacritics ignored; empty: the items "
                                               "sold here lately"})


class StockQuerySchema(PageArgs):
    low_only = fields.Boolean(load_default=False)


class ThresholdSchema(StrictSchema):
    low_stock_threshold = Int(required=True, validate=validate.Range(min=0, max=100_000))


class LotSchema(StrictSchema):
    id = fields.Integer()
    variant_id = fields.Integer()
    product_name = fields.String(attribute="variant.product.name")
    variant_label = fields.String(attribute="variant.label")
    lot_code = fields.String()
    expires_on = fields.Date(allow_none=True)
    on_hand = fields.Integer()


class NearExpiryQuerySchema(PageArgs):
    days = Int(strict=False, load_default=30, validate=validate.Range(min=0, max=365))


# --- movements ---------------------------------------------------------------

class ReceiptLineSchema(StrictSchema):
    variant_id = RowId(required=True)
    quantity = Int(required=True, validate=QUANTITY)
    lot_code = Text(max_length=60, required=True)
    expires_on = Date(load_default=None, allow_none=True)


class ReceiptSchema(StrictSchema):
    producer_id = RowId(required=True)
    delivery_note = Text(max_length=80, required=True, metadata={"description": "Số phiếu giao hàng"})
    lines = _lines(ReceiptLineSchema)
    note = Text(max_length=500, min_length=0, load_default="")


class SaleLineSchema(StrictSchema):
    variant_id = RowId(required=True)
    quantity = Int(required=True, validate=QUANTITY)
    unit_price_vnd = PriceVnd(load_default=None, allow_none=True, metadata={
        "description": "Defaults to the listing price; a lower price (never a higher one) needs override_reason"})
    override_reason = fields.Enum(OverrideReason, by_value=True, load_default=None, allow_none=True)
    override_note = Text(max_length=200, min_length=0, load_default="",
                         metadata={"description": "Required when override_reason is \"other\""})

    @post_load
    def typed(self, data, **kwargs) -> SaleLine:
        return SaleLine(**data)


class ApprovalSchema(StrictSchema):
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))

    @post_load
    def typed(self, data, **kwargs) -> Approval:
        return Approval(**data)


class SaleSchema(StrictSchema):
    lines = _lines(SaleLineSchema)
    payment_method = fields.Enum(SalePayment, by_value=True, required=True)
    note = Text(max_length=500, min_length=0, load_default="")
    approval = fields.Nested(ApprovalSchema, load_default=None, allow_none=True, metadata={
        "description": "A lead operator of the point approving a discount above its limit (max_discount_bps)"})
    cash_tendered_vnd = PriceVnd(load_default=None, allow_none=True, metadata={
        "description": "A cash sale's amount handed over by the customer, at least the total: the receipt "
                       "shows it and the change"})

    @validates_schema
    def tendered_only_in_cash(self, data, **kwargs):
        if data.get("cash_tendered_vnd") is not None and data.get("payment_method") not in (None, SalePayment.CASH):
            raise ValidationError({"cash_tendered_vnd": [N_("Only a cash sale has an amount tendered.")]})

    @post_load
    def typed(self, data, **kwargs) -> Sale:
        return Sale(tuple(data["lines"]), data["payment_method"], data["note"], data["approval"],
                    cash_tendered_vnd=data["cash_tendered_vnd"])


class TakeLineSchema(StrictSchema):
    variant_id = RowId(required=True)
    quantity = Int(required=True, validate=QUANTITY)
    lot_code = Text(max_length=60, load_default=None, allow_none=True,
                    metadata={"description": "A specific lot; first-expiring first when omitted"})

    @post_load
    def typed(self, data, **kwargs) -> OutLine:
        return OutLine(**data)


class ReturnSchema(StrictSchema):
    producer_id = RowId(required=True)
    reference = Text(max_length=80, required=True)
    lines = _lines(TakeLineSchema)
    note = Text(max_length=500, min_length=0, load_default="")


class TransferOutSchema(StrictSchema):
    to_point_id = RowId(required=True)
    lines = _lines(TakeLineSchema)
    note = Text(max_length=500, min_length=0, load_default="")


class ReceivedLineSchema(StrictSchema):
    transfer_line_id = RowId(required=True)
    quantity_received = Int(required=True, validate=validate.Range(min=0, max=100_000))


class ReceiveTransferSchema(StrictSchema):
    lines = fields.List(fields.Nested(ReceivedLineSchema), load_default=list,
                        metadata={"description": "Counted quantities; lines not listed arrived as sent"})
    note = Text(max_length=500, min_length=0, load_default="")


class AdjustmentLineSchema(StrictSchema):
    variant_id = RowId(required=True)
    lot_code = Text(max_length=60, required=True)
    expires_on = Date(load_default=None, allow_none=True)
    counted = Int(validate=validate.Range(min=0, max=1_000_000), load_default=None, allow_none=True,
                  metadata={"description": "Units counted: the balance is set to this"})
    change = Int(validate=validate.Range(min=-1_000_000, max=1_000_000), load_default=None, allow_none=True,
                 metadata={"description": "A signed change, e.g. -1 for a broken jar"})

    @validates_schema
    def one_of_counted_or_change(self, data, **kwargs):
        if (data.get("counted") is None) == (data.get("change") is None):
            raise ValidationError({"counted": [N_("Give either counted or change.")]})


class AdjustmentSchema(StrictSchema):
    reason = fields.Enum(AdjustmentReason, by_value=True, required=True)
    lines = _lines(AdjustmentLineSchema)
    note = Text(max_length=500, min_length=0, load_default="")


class MovementLineSchema(StrictSchema):
    variant_id = fields.Integer()
    lot_code = fields.String(attribute="lot.lot_code")
    expires_on = fields.Date(attribute="lot.expires_on", allow_none=True)
    quantity = fields.Integer()
    unit_price_vnd = fields.Integer()
    listing_price_vnd = fields.Integer(allow_none=True, metadata={"description": "Set when the till changed the price"})
    override_reason = fields.Enum(OverrideReason, by_value=True, allow_none=True)
    override_note = fields.String()
    line_total_vnd = fields.Integer()
    commission_vnd = fields.Integer()


class MovementSchema(StrictSchema):
    id = fields.Integer()
    point_id = fields.Integer()
    kind = fields.Enum(MovementKind, by_value=True)
    reference = fields.String()
    reason = fields.String(allow_none=True)
    note = fields.String()
    producer_id = fields.Integer(allow_none=True)
    transfer_id = fields.Integer(allow_none=True)
    payment_method = fields.String(allow_none=True)
    total_vnd = fields.Integer()
    total_display = VndDisplay("total_vnd")
    approved_by_user_id = fields.Integer(allow_none=True)
    cash_tendered_vnd = fields.Integer(allow_none=True, metadata={"description": "A cash sale's amount tendered"})
    change_vnd = fields.Integer(allow_none=True, dump_only=True, metadata={"description": "The change given back"})
    created_at = LocalDateTime()
    lines = fields.List(fields.Nested(MovementLineSchema))


class MovementQuerySchema(PageArgs):
    kind = fields.Enum(MovementKind, by_value=True)
    variant_id = RowId(strict=False)
    since = Date()
    until = Date()


class TransferLineSchema(StrictSchema):
    id = fields.Integer()
    variant_id = fields.Integer()
    variant_label = fields.String(attribute="variant.label")
    product_name = fields.String(attribute="variant.product.name")
    lot_code = fields.String()
    expires_on = fields.Date(allow_none=True)
    quantity_sent = fields.Integer()
    quantity_received = fields.Integer(allow_none=True)
    discrepancy = fields.Integer(allow_none=True)


class TransferSchema(StrictSchema):
    id = fields.Integer()
    from_point_id = fields.Integer()
    to_point_id = fields.Integer()
    status = fields.String()
    note = fields.String()
    created_at = LocalDateTime()
    received_at = LocalDateTime(allow_none=True)
    lines = fields.List(fields.Nested(TransferLineSchema))


class ProducerTransitLineSchema(TransferLineSchema):
    from_point_id = fields.Integer(attribute="transfer.from_point_id")
    to_point_id = fields.Integer(attribute="transfer.to_point_id")


class ProducerMovementLineSchema(MovementLineSchema):
    point_id = fields.Integer(attribute="movement.point_id")
    reference = fields.String(attribute="movement.reference")
    created_at = LocalDateTime(attribute="movement.created_at")


class SalesSummarySchema(StrictSchema):
    date = fields.String()
    sales = fields.Integer()
    units = fields.Integer()
    total_vnd = fields.Integer()
    by_payment_method = fields.Dict(keys=fields.String(), values=fields.Integer())
    cash_taken_vnd = fields.Integer()
    cash_to_hand_over_vnd = fields.Integer()


class HandoverInSchema(StrictSchema):
    amount_vnd = PriceVnd(required=True)
    reference = Text(max_length=120, min_length=0, load_default="")


class HandoverSchema(StrictSchema):
    id = fields.Integer()
    point_id = fields.Integer()
    amount_vnd = fields.Integer()
    reference = fields.String()
    created_at = LocalDateTime()


class DateRangeQuerySchema(PageArgs):
    since = Date()
    until = Date()


class SalesReportQuerySchema(StrictSchema):
    group_by = fields.String(load_default="point", validate=validate.OneOf(["point", "product", "producer"]))
    period = fields.String(load_default="month", validate=validate.OneOf(["day", "month"]))
    since = Date()
    until = Date()
    point_id = RowId(strict=False)


class SalesReportRowSchema(StrictSchema):
    period = fields.String()
    key = fields.Integer()
    label = fields.String()
    units = fields.Integer()
    sales_vnd = fields.Integer()
    commission_vnd = fields.Integer()
