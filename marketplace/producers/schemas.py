from marshmallow import ValidationError, fields, validate
from stdnum.vn import mst

from marketplace.accounts.schemas import PhoneField
from marketplace.producers.models import LegalType, MemberRole, ProducerStatus
from marketplace.regions.schemas import ProvinceCode, ProvinceSchema, WardCode, WardSchema, ward_in_province
from marketplace.schemas import LocalDateTime, PageArgs, StrictSchema, Text
from marketplace.errors import N_

SLUG = validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error=N_("Use lower-case letters, digits and single hyphens."))


def Slug(**kwargs):
    return fields.String(validate=[validate.Length(min=2, max=120), SLUG], **kwargs)


class TaxCode(fields.String):
    """Vietnamese tax code (mã số thuế): 10 digits, or 13 for a branch, check digit verified."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        if len(raw) > 20 or not mst.is_valid(raw):
            raise ValidationError(N_("Not a valid Vietnamese tax code (mã số thuế)."))
        return mst.compact(raw)


class ProducerWriteSchema(StrictSchema):
    name = Text(max_length=200, required=True)
    slug = Slug()
    legal_type = fields.Enum(LegalType, by_value=True, required=True)
    description = Text(max_length=5000, min_length=0, load_default="")
    province_code = ProvinceCode(required=True)
    ward_code = WardCode(load_default=None, allow_none=True)
    district_note = Text(max_length=200, min_length=0, load_default="",
                         metadata={"description": "Pre-2025 address parts (huyện, old commune) as free text"})
    street_address = Text(max_length=200, min_length=0, load_default="")
    phone = PhoneField(load_default=None, allow_none=True)
    tax_code = TaxCode(load_default=None, allow_none=True)

    ward_lies_in_province = ward_in_province()


class ProducerPatchSchema(ProducerWriteSchema):
    """The same fields, all optional (use with partial=True)."""


class ProducerSchema(StrictSchema):
    """A producer as its members and admins see it."""

    id = fields.Integer(dump_only=True)
    slug = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    legal_type = fields.Enum(LegalType, by_value=True, dump_only=True)
    description = fields.String(dump_only=True)
    province = fields.Nested(ProvinceSchema, dump_only=True)
    ward = fields.Nested(WardSchema, dump_only=True, allow_none=True)
    district_note = fields.String(dump_only=True)
    street_address = fields.String(dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True)
    tax_code = fields.String(dump_only=True, allow_none=True)
    status = fields.Enum(ProducerStatus, by_value=True, dump_only=True)
    status_reason = fields.String(dump_only=True)
    approved_at = LocalDateTime(dump_only=True, allow_none=True)
    created_at = LocalDateTime(dump_only=True)


class MembershipSchema(StrictSchema):
    role = fields.Enum(MemberRole, by_value=True, dump_only=True)
    producer = fields.Nested(ProducerSchema, dump_only=True)


class MemberSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    role = fields.Enum(MemberRole, by_value=True, dump_only=True)
    user_id = fields.Integer(dump_only=True)
    email = fields.String(attribute="user.email", dump_only=True)
    full_name = fields.String(attribute="user.full_name", dump_only=True)
    created_at = LocalDateTime(dump_only=True)


class MemberCreateSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = fields.Enum(MemberRole, by_value=True, load_default=MemberRole.STAFF)


class MemberUpdateSchema(StrictSchema):
    role = fields.Enum(MemberRole, by_value=True, required=True)


class AdminProducerQuerySchema(PageArgs):
    status = fields.Enum(ProducerStatus, by_value=True)


class SuspendSchema(StrictSchema):
    reason = Text(max_length=500, required=True)
