"""The account pages' forms (Flask-WTF: CSRF on every POST, typed values kept
after an error, never the passwords). The limits are the API schemas' own
(accounts/schemas.py), so a page and the API accept the same input."""

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import ValidationError, validate
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.validators import ValidationError as FieldError

from marketplace.accounts.schemas import normalise_vn_phone, validate_vn_phone

PASSWORD_MIN, PASSWORD_MAX = 10, 128


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _empty_to_none(value):
    value = _strip(value)
    return value or None


class EmailAddress:
    """marshmallow's own email check, the one the API applies."""

    def __call__(self, form, field):
        try:
            validate.Email()(field.data or "")
        except ValidationError:
            raise FieldError(_l("Email chưa đúng, ví dụ: ten@example.com.")) from None


class VietnamesePhone:
    """A Vietnamese phone number, stored as E.164 (+84...), as the API stores it."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            validate_vn_phone(field.data)
        except ValidationError:
            raise FieldError(_l("Số điện thoại Việt Nam chưa đúng, ví dụ: 0912 345 678.")) from None
        field.data = normalise_vn_phone(field.data)


def display_phone(value: str | None) -> str:
    """+84912345678 as 0912 345 678, the way shoppers write it."""
    if not value:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(value, "VN"), phonenumbers.PhoneNumberFormat.NATIONAL)


def _required():
    return DataRequired(message=_l("Vui lòng điền mục này."))


def _new_password(label):
    return PasswordField(label, validators=[_required(), Length(
        min=PASSWORD_MIN, max=PASSWORD_MAX, message=_l("Mật khẩu cần từ %(min)d đến %(max)d ký tự."))])


def _confirm(label, other="password"):
    return PasswordField(label, validators=[_required(), EqualTo(other, message=_l("Hai mật khẩu chưa khớp."))])


def _email():
    return EmailField(_l("Email"), filters=[_strip], validators=[_required(), Length(max=254, message=_l("Tối đa %(max)d ký tự.")), EmailAddress()])


def _full_name():
    return StringField(_l("Họ và tên"), filters=[_strip], validators=[
        _required(), Length(max=120, message=_l("Tối đa %(max)d ký tự."))])


def _phone():
    return TelField(_l("Số điện thoại (không bắt buộc)"), filters=[_empty_to_none],
                    validators=[Optional(), Length(max=20, message=_l("Tối đa %(max)d ký tự.")), VietnamesePhone()])


class RegisterForm(FlaskForm):
    full_name = _full_name()
    email = _email()
    phone = _phone()
    password = _new_password(_l("Mật khẩu"))
    confirm = _confirm(_l("Nhập lại mật khẩu"))
    next = HiddenField()


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[_strip], validators=[_required(), Length(max=254, message=_l("Tối đa %(max)d ký tự."))])
    password = PasswordField(_l("Mật khẩu"), validators=[_required(), Length(max=PASSWORD_MAX, message=_l("Tối đa %(max)d ký tự."))])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên thiết bị này"))
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    email = _email()


class ResetForm(FlaskForm):
    password = _new_password(_l("Mật khẩu mới"))
    confirm = _confirm(_l("Nhập lại mật khẩu mới"))


class ProfileForm(FlaskForm):
    full_name = _full_name()
    phone = _phone()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[_required(), Length(max=PASSWORD_MAX, message=_l("Tối đa %(max)d ký tự."))])
    password = _new_password(_l("Mật khẩu mới"))
    confirm = _confirm(_l("Nhập lại mật khẩu mới"))
