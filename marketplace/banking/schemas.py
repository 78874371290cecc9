"""marshmallow schemas of the bank-notification API."""

from datetime import datetime

from marshmallow import fields, validate

from marketplace.banking.models import Action, Reason, TransactionStatus
from marketplace.clock import VIETNAM_TZ
from marketplace.schemas import Int, StrictSchema, Text

MAX_TRANSFER_VND = 10**12  # a thousand billion đồng: beyond any order, within BIGINT

# Dates a bank can mean (and that turn into instants without overflowing).
_WHEN = validate.Range(min=datetime(2000, 1, 1, tzinfo=VIETNAM_TZ), max=datetime(2100, 12, 31, tzinfo=VIETNAM_TZ))


class IncomingTransferSchema(StrictSchema):
    """A credit to the platform's account, in the shape bank-notification services send."""

    bank_reference = Text(120, required=True, metadata={
        "description": "The bank's own reference for the transaction (số tham chiếu; SePay referenceCode, "
                       "Casso tid); each is recorded once", "example": "FT26339102345"})
    amount_vnd = Int(required=True, validate=validate.Range(min=1, max=MAX_TRANSFER_VND), metadata={
        "description": "The amount credited, integer đồng", "example": 320000})
    description = Text(2000, min_length=0, load_default="", metadata={
        "description": "The transfer's content as the bank shows it; the order's transfer reference is looked "
                       "for in it (ignoring case, spaces, punctuation and diacritics); the first 500 characters are kept",
        "example": "MBVCB.1234.OCOP7K2M9QXA.CT tu 0071000123456"})
    occurred_at = fields.AwareDateTime(required=True, default_timezone=VIETNAM_TZ, validate=_WHEN, metadata={
        "description": "When the bank booked it, ISO 8601; without an offset, Vietnam time (+07:00)",
        "example": "2026-12-05T14:02:37+07:00"})
    account_number = Text(40, min_length=0, load_default="", metadata={
        "description": "The platform's account that was credited"})


class IncomingTransferResultSchema(StrictSchema):
    id = fields.Integer()
    bank_reference = fields.String()
    amount_vnd = fields.Integer()
    status = fields.Enum(TransactionStatus, by_value=True, metadata={
        "description": "matched: it paid its order; queued: it waits for an admin; resolved: an admin decided"})
    reason = fields.Enum(Reason, by_value=True, allow_none=True, metadata={"description": "Why it is queued"})
    suggested_action = fields.Enum(Action, by_value=True, allow_none=True)
    order_number = fields.String(allow_none=True, metadata={"description": "The order it paid, or its likely order"})
    duplicate = fields.Boolean(metadata={"description": "It had been recorded before; nothing changed now"})
