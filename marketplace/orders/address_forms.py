"""The saved-address form of the address pages (and of checkout, if it wants it).

Province and ward are two selects. Without JavaScript the shopper picks the
province and presses "choose ward", which sends the form back with that
province's wards in the second select (nothing is saved); static/wards.js does
the same in place. The limits are the API's (orders/schemas.py AddressSchema).
"""

import re
from functools import cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TelField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.validators import ValidationError as FieldError

from marketplace.accounts.forms import VietnamesePhone, display_phone
from marketplace.regions import divisions
from marketplace.text import fold

_PREFIX = re.compile(r"^(thanh pho|tinh|xa|phuong|dac khu) ")


def _sort_key(name: str) -> str:
    """Hà Nội among the H's, not first because it is a "Thành phố"."""
    return _PREFIX.sub("", fold(name))


@cache
def province_choices() -> tuple[tuple[int, str], ...]:
    return tuple(sorted(((code, p.name) for code, p in divisions.provinces().items()),
                        key=lambda choice: _sort_key(choice[1])))


@cache
def ward_choices(province_code: int) -> tuple[tuple[int, str], ...]:
    wards = ((int(w.code), w.name) for w in divisions.wards().values() if int(w.province_code) == province_code)
    return tuple(sorted(wards, key=lambda choice: _sort_key(choice[1])))


def _code(value):
    """A select's value: its integer code, or None for the "choose…" option or junk."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class _KnownProvince:
    def __call__(self, form, field):
        if not divisions.is_province(field.data):
            raise FieldError(_l("Vui lòng chọn tỉnh, thành phố trong danh sách."))


class _WardOfProvince:
    def __call__(self, form, field):
        province = form.province_code.data
        if province is not None and not divisions.ward_in_province(field.data, province):
            raise FieldError(_l("Phường, xã này không thuộc tỉnh, thành phố đã chọn. Vui lòng chọn lại."))


def _required(message=None):
    return DataRequired(message=message or _l("Vui lòng điền mục này."))


class AddressForm(FlaskForm):
    recipient_name = StringField(_l("Họ tên người nhận"), filters=[_strip], validators=[
        _required(), Length(max=120, message=_l("Tối đa %(max)d ký tự."))])
    phone = TelField(_l("Số điện thoại người nhận"), filters=[_strip], validators=[
        _required(), Length(max=20, message=_l("Tối đa %(max)d ký tự.")), VietnamesePhone()])
    province_code = SelectField(_l("Tỉnh, thành phố"), coerce=_code, validate_choice=False, validators=[
        _required(_l("Vui lòng chọn tỉnh, thành phố.")), _KnownProvince()])
    choose_province = SubmitField(_l("Chọn phường, xã của tỉnh này"))
    ward_code = SelectField(_l("Phường, xã"), coerce=_code, validate_choice=False, validators=[
        _required(_l("Vui lòng chọn phường, xã.")), _WardOfProvince()])
    street_address = StringField(_l("Số nhà, tên đường, thôn, xóm"), filters=[_strip], validators=[
        _required(), Length(max=200, message=_l("Tối đa %(max)d ký tự."))])
    label = StringField(_l("Tên gợi nhớ (không bắt buộc)"), filters=[_strip], validators=[
        Optional(), Length(max=40, message=_l("Tối đa %(max)d ký tự."))])
    is_default = BooleanField(_l("Dùng làm địa chỉ mặc định"))

    def __init__(self, *args, address=None, **kwargs):
        if address is not None:
            kwargs["data"] = {**{name: getattr(address, name) for name in (
                "recipient_name", "province_code", "ward_code", "street_address", "label", "is_default")},
                "phone": display_phone(address.phone)}
        super().__init__(*args, **kwargs)
        self.province_code.choices = [("", _l("Chọn tỉnh, thành phố"))] + list(province_choices())
        province = self.province_code.data if divisions.is_province(self.province_code.data or 0) else None
        first = _l("Chọn phường, xã") if province else _l("Chọn tỉnh, thành phố trước")
        self.ward_code.choices = [("", first)] + list(ward_choices(province) if province else ())

    def choosing_province(self) -> bool:
        """The no-JavaScript "choose ward" button was pressed: show the wards, save nothing."""
        return self.is_submitted() and bool(self.choose_province.data)

    def address_fields(self) -> dict:
        """What the address use cases take (orders/addresses.py)."""
        return {name: getattr(self, name).data for name in (
            "recipient_name", "phone", "province_code", "ward_code", "street_address", "label", "is_default")}
