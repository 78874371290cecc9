from marshmallow import ValidationError, fields, validate, validates_schema

from marketplace.regions import divisions
from marketplace.schemas import Int, StrictSchema
from marketplace.errors import N_


def validate_province(code: int) -> None:
    if not divisions.is_province(code):
        raise ValidationError(N_("Unknown province code."))


def ProvinceCode(**kwargs):
    kwargs.setdefault("metadata", {"description": "Province code (vietnam-provinces, since 1 July 2025)"})
    return Int(validate=validate_province, **kwargs)


def WardCode(**kwargs):
    return Int(validate=validate.Range(min=1), metadata={"description": "Ward/commune code; must lie in the given province"}, **kwargs)


def check_ward_in_province(data: dict, province_key: str, ward_key: str) -> None:
    """Schema-level rule: a ward must belong to the province given beside it."""
    ward, province = data.get(ward_key), data.get(province_key)
    if ward is not None and (province is None or not divisions.ward_in_province(ward, province)):
        raise ValidationError({ward_key: [N_("Unknown ward for this province.")]})


def ward_in_province(province_key: str = "province_code", ward_key: str = "ward_code"):
    """A schema validator to put in a schema's body: the ward lies in the province,
    and a partial update that changes the ward must name the province too."""

    @validates_schema
    def ward_lies_in_province(self, data, **kwargs):
        if self.partial and ward_key in data and province_key not in data:
            raise ValidationError({province_key: [N_("Send the province together with the ward.")]})
        check_ward_in_province(data, province_key, ward_key)

    return ward_lies_in_province


class RegionSchema(StrictSchema):
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)


class ProvinceSchema(StrictSchema):
    code = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    codename = fields.String(dump_only=True)
    division_type = fields.String(dump_only=True)
    region = fields.Nested(RegionSchema, dump_only=True)


class ProvinceQuerySchema(StrictSchema):
    region = fields.String(validate=validate.OneOf(list(divisions.REGIONS)))


class WardSchema(StrictSchema):
    code = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    codename = fields.String(dump_only=True)
    division_type = fields.String(dump_only=True)
    province_code = fields.Integer(dump_only=True)
