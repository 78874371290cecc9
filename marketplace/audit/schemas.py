import marshmallow as ma
from marshmallow import fields, validate

from marketplace.schemas import LocalDateTime, PageArgs


class AuditQuerySchema(PageArgs):
    actor = fields.String(validate=validate.Length(max=254),
                          metadata={"description": "An account id, or part of the actor's email"})
    action = fields.String(validate=validate.Length(max=60),
                           metadata={"description": "An action code or its start, e.g. payout."})
    target_type = fields.String(validate=validate.Length(max=40), metadata={"description": "e.g. order, producer"})
    target_id = fields.String(validate=validate.Length(max=64))
    since = fields.Date(metadata={"description": "The first day, in Vietnam (+07:00), included"})
    until = fields.Date(metadata={"description": "The last day, in Vietnam (+07:00), included"})


class AuditEntrySchema(ma.Schema):
    id = fields.Integer()
    actor_id = fields.Integer(allow_none=True)
    actor_email = fields.String()
    action = fields.String()
    target_type = fields.String()
    target_id = fields.String()
    details = fields.Dict()
    at = LocalDateTime()
