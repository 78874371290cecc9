from marshmallow import ValidationError, fields, validate, validates_schema

from marketplace.catalog.models import ProductGroup
from marketplace.payouts.models import PayoutRail, PayoutStatus
from marketplace.schemas import Date, Int, LocalDateTime, PageArgs, RowId, StrictSchema, Text, VndDisplay
from marketplace.errors import N_


class BalanceSchema(StrictSchema):
    pending_vnd = fields.Integer(metadata={"description": "Earned; payable after delivery + holding period"})
    available_vnd = fields.Integer(metadata={"description": "Payable in the next run (negative: owed to the platform)"})
    in_transit_vnd = fields.Integer()
    paid_vnd = fields.Integer(metadata={"description": "Paid so far, including cash kept on delivery"})
    available_display = VndDisplay("available_vnd")


class StatementQuerySchema(PageArgs):
    since = Date()
    until = Date()


class StatementCsvQuerySchema(StrictSchema):
    since = Date()
    until = Date()


class StatementRowSchema(StrictSchema):
    date = fields.String()
    entry_id = fields.Integer()
    kind = fields.String()
    reference = fields.String(metadata={"description": "Order number, or payout-N"})
    sub_order_id = fields.Integer(allow_none=True)
    memo = fields.String()
    pending_vnd = fields.Integer()
    available_vnd = fields.Integer()
    in_transit_vnd = fields.Integer()
    paid_vnd = fields.Integer()
    vat_withheld_vnd = fields.Integer(metadata={"description": "VAT withheld from your sale (Decree 117/2025/NĐ-CP), "
                                                               "negative when a refund gave it back"})
    pit_withheld_vnd = fields.Integer(metadata={"description": "Personal income tax withheld, likewise"})


class BankAccountSchema(StrictSchema):
    bank_bin = fields.String(validate=validate.Regexp(r"^(?:\d{6})?$", error=N_("A NAPAS BIN has 6 digits.")),
                             load_default="", metadata={"description": "NAPAS bank identifier, e.g. 970436; "
                                                                       "empty when not given"})
    bank_name = Text(max_length=120, required=True)
    account_number = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9]{6,19}$", error=N_("6 to 19 digits.")))
    holder_name = Text(max_length=120, required=True)
    stripe_account_id = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(
        r"^acct_[A-Za-z0-9]+$", error=N_("A Stripe Connect account id starts with acct_.")))


class PayoutSchema(StrictSchema):
    id = fields.Integer()
    run_id = fields.Integer()
    producer_id = fields.Integer()
    amount_vnd = fields.Integer()
    amount_display = VndDisplay("amount_vnd")
    rail = fields.Enum(PayoutRail, by_value=True)
    status = fields.Enum(PayoutStatus, by_value=True)
    bank_name = fields.String()
    account_number = fields.String()
    holder_name = fields.String()
    bank_reference = fields.String()
    stripe_transfer_id = fields.String(allow_none=True)
    failure_reason = fields.String()
    created_at = LocalDateTime()
    settled_at = LocalDateTime(allow_none=True)


class PayoutRunSchema(StrictSchema):
    id = fields.Integer()
    minimum_vnd = fields.Integer()
    created_at = LocalDateTime()
    payouts = fields.List(fields.Nested(PayoutSchema))


class PayoutQuerySchema(PageArgs):
    status = fields.Enum(PayoutStatus, by_value=True)
    producer_id = RowId(strict=False)


class RunPayoutsSchema(StrictSchema):
    producer_ids = fields.List(RowId(), load_default=None, validate=validate.Length(min=1, max=1000),
                               metadata={"description": "Only these producers (e.g. to retry a failed payout)"})


class MarkPaidSchema(StrictSchema):
    bank_reference = Text(max_length=120, required=True)


class MarkFailedSchema(StrictSchema):
    reason = Text(max_length=500, required=True)


class RevenueQuerySchema(StrictSchema):
    period = fields.String(load_default="month", validate=validate.OneOf(["day", "month"]))
    since = Date()
    until = Date()


class RevenueRowSchema(StrictSchema):
    period = fields.String()
    commission_vnd = fields.Integer()


class CommissionRateSchema(StrictSchema):
    scope = fields.String(required=True, validate=validate.OneOf(["group", "producer"]))
    key = fields.String(required=True, validate=validate.Length(min=1, max=40),
                        metadata={"description": "A product group (food, beverages, ...) or a producer id"})
    rate_bps = Int(required=True, allow_none=True, validate=validate.Range(min=0, max=5000),
                   metadata={"description": "Basis points (1000 = 10%); null removes the rate"})

    @validates_schema
    def key_fits_scope(self, data, **kwargs):
        if data.get("scope") == "group" and data.get("key") not in [g.value for g in ProductGroup]:
            raise ValidationError({"key": [N_("Not an OCOP product group.")]})
        if data.get("scope") == "producer" and not (str(data.get("key", "")).isascii()
                                                   and str(data.get("key", "")).isdigit()):
            raise ValidationError({"key": [N_("A producer id.")]})


class CommissionRatesSchema(StrictSchema):
    default_bps = fields.Integer()
    rates = fields.List(fields.Nested(CommissionRateSchema))


class TaxWithholdingQuerySchema(StrictSchema):
    month = fields.String(validate=validate.Regexp(r"^2\d{3}-(0[1-9]|1[0-2])$", error=N_("A month as YYYY-MM.")),
                          metadata={"description": "YYYY-MM, Vietnam time; this month when not given"})


class TaxWithholdingTotalsSchema(StrictSchema):
    revenue_vnd = fields.Integer(metadata={"description": "The goods' revenue taxed, less what refunds gave back"})
    vat_withheld_vnd = fields.Integer()
    pit_withheld_vnd = fields.Integer()
    total_withheld_vnd = fields.Integer()


class TaxWithholdingRowSchema(TaxWithholdingTotalsSchema):
    producer_id = fields.Integer()
    producer_name = fields.String()
    tax_code = fields.String(metadata={"description": "Empty when the producer has not given one"})
    legal_type = fields.String()


class TaxWithholdingReportSchema(StrictSchema):
    month = fields.Function(lambda report: report.month.strftime("%Y-%m"))
    rows = fields.List(fields.Nested(TaxWithholdingRowSchema))
    totals = fields.Nested(TaxWithholdingTotalsSchema)


class WithholdingRateSchema(StrictSchema):
    valid_from = Date(required=True, metadata={"description": "From this day (Vietnam time); only a day to come"})
    vat_bps = Int(required=True, validate=validate.Range(min=0, max=1000), metadata={"description": "100 = 1%"})
    pit_bps = Int(required=True, validate=validate.Range(min=0, max=1000), metadata={"description": "50 = 0.5%"})
