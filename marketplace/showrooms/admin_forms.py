"""Forms of the admin display-point pages: a point, an operator by email, a consignment.
The limits are the admin API's (showrooms/schemas.py PointWriteSchema, ConsignmentInSchema)."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TelField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.validators import ValidationError as FieldError

from marketplace.accounts.forms import EmailAddress, VietnamesePhone, display_phone
from marketplace.pricing.forms import PercentRate, bps_to_percent, percent_to_bps, producer_choices
from marketplace.regions import divisions
from marketplace.showrooms.models import DEFAULT_MAX_DISCOUNT_BPS, PointStatus, PointType
from marketplace.text import fold

POINT_TYPES = {
    "ocop_centre": _l("Trung tâm OCOP"), "showroom": _l("Phòng trưng bày"), "station_kiosk": _l("Ki-ốt nhà ga, bến xe"),
    "airport_kiosk": _l("Ki-ốt sân bay"), "supermarket_corner": _l("Góc siêu thị, trung tâm thương mại"),
    "tourist_site": _l("Điểm du lịch"), "craft_village": _l("Làng nghề"), "post_office": _l("Bưu điện"),
    "other": _l("Khác"),
}
POINT_STATUSES = {"active": _l("Đang mở"), "temporarily_closed": _l("Tạm đóng"), "closed": _l("Đã đóng")}
_PREFIX = re.compile(r"^(thanh pho|tinh|xa|phuong|dac khu) ")


def _by_name(choices):
    return sorted(choices, key=lambda choice: _PREFIX.sub("", fold(choice[1])))


def _code(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value):
    return value or None


def _required(message=None):
    return DataRequired(message=message or _l("Vui lòng điền mục này."))


def _max(n):
    return Length(max=n, message=_l("Tối đa %(max)d ký tự."))


class _KnownProvince:
    def __call__(self, form, field):
        if not divisions.is_province(field.data):
            raise FieldError(_l("Vui lòng chọn tỉnh, thành phố trong danh sách."))


class _WardOfProvince:
    def __call__(self, form, field):
        if field.data is not None and form.province_code.data is not None and \
                not divisions.ward_in_province(field.data, form.province_code.data):
            raise FieldError(_l("Phường, xã này không thuộc tỉnh, thành phố đã chọn. Vui lòng chọn lại."))


class PointForm(FlaskForm):
    FIELDS = ("name", "point_type", "province_code", "ward_code", "street_address", "opening_hours", "phone",
              "email", "status")

    name = StringField(_l("Tên điểm bán"), filters=[_strip], validators=[_required(), _max(200)])
    point_type = SelectField(_l("Loại điểm"), choices=list(POINT_TYPES.items()), validate_choice=False,
                             validators=[_required(_l("Vui lòng chọn loại điểm."))])
    province_code = SelectField(_l("Tỉnh, thành phố"), coerce=_code, validate_choice=False, validators=[
        _required(_l("Vui lòng chọn tỉnh, thành phố.")), _KnownProvince()])
    choose_province = SubmitField(_l("Chọn phường, xã của tỉnh này"))
    ward_code = SelectField(_l("Phường, xã (không bắt buộc)"), coerce=_code, validate_choice=False,
                            validators=[Optional(), _WardOfProvince()])
    street_address = StringField(_l("Số nhà, tên đường"), filters=[_strip], validators=[Optional(), _max(200)])
    opening_hours = StringField(_l("Giờ mở cửa"), filters=[_strip], validators=[Optional(), _max(200)])
    phone = TelField(_l("Số điện thoại (không bắt buộc)"), filters=[_strip, _blank_to_none],
                     validators=[Optional(), VietnamesePhone()])
    email = EmailField(_l("Email (không bắt buộc)"), filters=[_strip, _blank_to_none], validators=[
        Optional(), _max(254), EmailAddress()])
    status = SelectField(_l("Trạng thái"), choices=list(POINT_STATUSES.items()), validate_choice=False)
    max_discount = StringField(_l("Giảm giá tối đa tại quầy (%)"), default=bps_to_percent(DEFAULT_MAX_DISCOUNT_BPS),
                               validators=[_required()], render_kw={"inputmode": "decimal"})

    def __init__(self, *args, point=None, **kwargs):
        if point is not None:
            kwargs["data"] = {**{name: getattr(point, name) for name in self.FIELDS},
                              "point_type": point.point_type.value, "status": point.status.value,
                              "phone": display_phone(point.phone),
                              "max_discount": bps_to_percent(point.max_discount_bps)}
        super().__init__(*args, **kwargs)
        self.province_code.choices = [("", _l("Chọn tỉnh, thành phố"))] + _by_name(
            (code, p.name) for code, p in divisions.provinces().items())
        province = self.province_code.data if divisions.is_province(self.province_code.data or 0) else None
        wards = ((int(w.code), w.name) for w in divisions.wards().values() if int(w.province_code) == province)
        self.ward_code.choices = [("", _l("Không chọn") if province else _l("Chọn tỉnh, thành phố trước"))] + \
            (_by_name(wards) if province else [])

    def validate_point_type(self, field):
        if field.data not in POINT_TYPES:
            raise FieldError(_l("Vui lòng chọn loại điểm."))

    def validate_status(self, field):
        if field.data not in POINT_STATUSES:
            raise FieldError(_l("Vui lòng chọn trạng thái."))

    def validate_max_discount(self, field):
        try:
            field.bps = percent_to_bps(field.data or "", max_bps=10_000)
        except ValueError:
            raise FieldError(_l("Nhập một số phần trăm từ 0 đến 100, tối đa hai chữ số thập phân (ví dụ 30).")) \
                from None

    def choosing_province(self) -> bool:
        """The no-JavaScript "choose ward" button: show the wards, save nothing."""
        return self.is_submitted() and bool(self.choose_province.data)

    def point_fields(self) -> dict:
        """What create_point and update_point take (showrooms/services.py)."""
        fields = {name: getattr(self, name).data for name in self.FIELDS}
        fields["point_type"], fields["status"] = PointType(fields["point_type"]), PointStatus(fields["status"])
        fields["street_address"] = fields["street_address"] or ""
        fields["opening_hours"] = fields["opening_hours"] or ""
        fields["max_discount_bps"] = self.max_discount.bps
        return fields


class OperatorForm(FlaskForm):
    email = EmailField(_l("Email của tài khoản"), filters=[_strip], validators=[
        _required(), _max(254), EmailAddress()])
    lead = BooleanField(_l("Trưởng điểm (duyệt giảm giá vượt mức)"))


class LeadForm(FlaskForm):
    """Make an operator the point's lead, or not, with one button."""

    lead = SelectField(choices=[("1", "1"), ("0", "0")], validate_choice=True)


class ConsignmentForm(FlaskForm):
    producer_id = SelectField(_l("Chủ thể ký gửi"), coerce=_code, validate_choice=False,
                              validators=[_required(_l("Vui lòng chọn một chủ thể."))])
    rate = StringField(_l("Điểm bán giữ lại (%)"), validators=[_required(), PercentRate()],
                       render_kw={"inputmode": "decimal"})
    active = BooleanField(_l("Đang ký gửi"), default=True)

    def __init__(self, *args, consignment=None, **kwargs):
        if consignment is not None:
            kwargs["data"] = {"producer_id": consignment.producer_id, "active": consignment.active,
                              "rate": bps_to_percent(consignment.commission_rate_bps)}
        super().__init__(*args, **kwargs)
        self.producer_id.choices = [("", _l("Chọn chủ thể"))] + producer_choices()


class StatusForm(FlaskForm):
    """Open, close or temporarily close a point with one button."""

    status = SelectField(choices=list(POINT_STATUSES.items()), validate_choice=False)

    def validate_status(self, field):
        if field.data not in POINT_STATUSES:
            raise FieldError(_l("Vui lòng chọn trạng thái."))
