import phonenumbers
from marshmallow import ValidationError, fields, validate

from marketplace.accounts.roles import roles_of
from marketplace.schemas import LocalDateTime, StrictSchema, Text
from marketplace.errors import N_


def validate_vn_phone(value: str) -> None:
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(N_("Not a phone number.")) from exc
    if not phonenumbers.is_valid_number_for_region(number, "VN"):
        raise ValidationError(N_("Not a valid Vietnamese phone number."))


def normalise_vn_phone(value: str) -> str:
    """Store phones in E.164 (+84...), whatever the shopper typed."""
    return phonenumbers.format_number(phonenumbers.parse(value, "VN"), phonenumbers.PhoneNumberFormat.E164)


class PhoneField(fields.String):
    def __init__(self, **kwargs):
        super().__init__(validate=[validate.Length(max=20), validate_vn_phone], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        for validator in self.validators:
            validator(raw)
        return normalise_vn_phone(raw)


class RegisterSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=128))
    full_name = Text(max_length=120, required=True)
    phone = PhoneField(load_default=None)


class LoginSchema(StrictSchema):
    email = Text(max_length=254, min_length=3, required=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))
    remember = fields.Boolean(load_default=False)


class UserSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(dump_only=True)
    full_name = fields.String(dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True)
    created_at = LocalDateTime(dump_only=True)
    roles = fields.Function(roles_of, dump_only=True, metadata={
        "description": "shopper/admin flags, producer memberships and display-point assignments"})


class TokenCreateSchema(StrictSchema):
    name = Text(max_length=80, required=True, metadata={"description": "What the token is for, e.g. 'POS tablet'"})


class TokenSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    prefix = fields.String(dump_only=True, metadata={"description": "First characters, to recognise the token"})
    created_at = LocalDateTime(dump_only=True)
    expires_at = LocalDateTime(dump_only=True, allow_none=True)
    last_used_at = LocalDateTime(dump_only=True, allow_none=True)
    revoked_at = LocalDateTime(dump_only=True, allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(dump_only=True, metadata={"description": "The bearer token. Shown only in this response."})


class PasswordChangeSchema(StrictSchema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=128))
    revoke_api_tokens = fields.Boolean(load_default=False, metadata={
        "description": "Also revoke every bearer token of the account (sessions always end)"})


class PasswordResetRequestSchema(StrictSchema):
    email = Text(max_length=254, min_length=3, required=True)


class PasswordResetSchema(StrictSchema):
    token = Text(max_length=100, min_length=10, required=True, metadata={"description": "From the mailed link"})
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=128))


class ResetRequestedSchema(StrictSchema):
    message = fields.String(dump_only=True)


class ProfileSchema(StrictSchema):
    full_name = Text(max_length=120, min_length=1)
    phone = PhoneField(allow_none=True)
