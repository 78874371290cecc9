"""The saved-address form of the address pages (and of checkout, if it wants it).

Province and ward are two selects, chosen as web/place_fields.py describes (with
JavaScript, static/wards.js fills the wards in place). The limits are the API's
(orders/schemas.py AddressSchema).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TelField
from wtforms.validators import Optional

from marketplace.accounts.forms import VietnamesePhone, display_phone
from marketplace.web.place_fields import (KnownProvince, ProvinceWardForm, WardOfProvince, integer_choice, max_length,
                                          required, strip)


class AddressForm(ProvinceWardForm, FlaskForm):
    recipient_name = StringField(_l("Họ tên người nhận"), filters=[strip], validators=[required(), max_length(120)])
    phone = TelField(_l("Số điện thoại người nhận"), filters=[strip], validators=[
        required(), max_length(20), VietnamesePhone()])
    province_code = SelectField(_l("Tỉnh, thành phố"), coerce=integer_choice, validate_choice=False, validators=[
        required(_l("Vui lòng chọn tỉnh, thành phố.")), KnownProvince()])
    ward_code = SelectField(_l("Phường, xã"), coerce=integer_choice, validate_choice=False, validators=[
        required(_l("Vui lòng chọn phường, xã.")), WardOfProvince()])
    street_address = StringField(_l("Số nhà, tên đường, thôn, xóm"), filters=[strip], validators=[
        required(), max_length(200)])
    label = StringField(_l("Tên gợi nhớ (không bắt buộc)"), filters=[strip], validators=[Optional(), max_length(40)])
    is_default = BooleanField(_l("Dùng làm địa chỉ mặc định"))

    def __init__(self, *args, address=None, **kwargs):
        if address is not None:
            kwargs["data"] = {**{name: getattr(address, name) for name in (
                "recipient_name", "province_code", "ward_code", "street_address", "label", "is_default")},
                "phone": display_phone(address.phone)}
        super().__init__(*args, **kwargs)
        self.fill_place_choices(_l("Chọn phường, xã"))

    def address_fields(self) -> dict:
        """What the address use cases take (orders/addresses.py)."""
        return {name: getattr(self, name).data for name in (
            "recipient_name", "phone", "province_code", "ward_code", "street_address", "label", "is_default")}
