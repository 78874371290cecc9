"""Forms of the admin display-point pages: a point, an operator by email, a consignment.
The limits are the admin API's (showrooms/schemas.py PointWriteSchema, ConsignmentInSchema)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TelField
from wtforms.validators import Optional
from wtforms.validators import ValidationError as FieldError

from marketplace.accounts.forms import EmailAddress, VietnamesePhone, display_phone
from marketplace.pricing.forms import PercentRate, bps_to_percent, percent_to_bps, producer_choices
from marketplace.showrooms.models import DEFAULT_MAX_DISCOUNT_BPS, PointStatus, PointType
from marketplace.web.labels import choices
from marketplace.web.place_fields import (KnownProvince, ProvinceWardForm, WardOfProvince, integer_choice, max_length,
                                          required, strip)

POINT_TYPES = {
    "ocop_centre": _l("Trung tâm OCOP"), "showroom": _l("Phòng trưng bày"), "station_kiosk": _l("Ki-ốt nhà ga, bến xe"),
    "airport_kiosk": _l("Ki-ốt sân bay"), "supermarket_corner": _l("Góc siêu thị, trung tâm thương mại"),
    "tourist_site": _l("Điểm du lịch"), "craft_village": _l("Làng nghề"), "post_office": _l("Bưu điện"),
    "other": _l("Khác"),
}
POINT_STATUSES = {"active": _l("Đang mở"), "temporarily_closed": _l("Tạm đóng"), "closed": _l("Đã đóng")}


def _blank_to_none(value):
    return value or None


class PointForm(ProvinceWardForm, FlaskForm):
    FIELDS = ("name", "point_type", "province_code", "ward_code", "street_address", "opening_hours", "phone",
              "email", "status")

    name = StringField(_l("Tên điểm bán"), filters=[strip], validators=[required(), max_length(200)])
    point_type = SelectField(_l("Loại điểm"), choices=choices(POINT_TYPES), validate_choice=False,
                             validators=[required(_l("Vui lòng chọn loại điểm."))])
    province_code = SelectField(_l("Tỉnh, thành phố"), coerce=integer_choice, validate_choice=False, validators=[
        required(_l("Vui lòng chọn tỉnh, thành phố.")), KnownProvince()])
    ward_code = SelectField(_l("Phường, xã (không bắt buộc)"), coerce=integer_choice, validate_choice=False,
                            validators=[Optional(), WardOfProvince()])
    street_address = StringField(_l("Số nhà, tên đường"), filters=[strip], validators=[Optional(), max_length(200)])
    opening_hours = StringField(_l("Giờ mở cửa"), filters=[strip], validators=[Optional(), max_length(200)])
    phone = TelField(_l("Số điện thoại (không bắt buộc)"), filters=[strip, _blank_to_none],
                     validators=[Optional(), VietnamesePhone()])
    email = EmailField(_l("Email (không bắt buộc)"), filters=[strip, _blank_to_none], validators=[
        Optional(), max_length(254), EmailAddress()])
    status = SelectField(_l("Trạng thái"), choices=choices(POINT_STATUSES), validate_choice=False)
    max_discount = StringField(_l("Giảm giá tối đa tại quầy (%)"), default=bps_to_percent(DEFAULT_MAX_DISCOUNT_BPS),
                               validators=[required()], render_kw={"inputmode": "decimal"})

    def __init__(self, *args, point=None, **kwargs):
        if point is not None:
            kwargs["data"] = {**{name: getattr(point, name) for name in self.FIELDS},
                              "point_type": point.point_type.value, "status": point.status.value,
                              "phone": display_phone(point.phone),
                              "max_discount": bps_to_percent(point.max_discount_bps)}
        super().__init__(*args, **kwargs)
        self.fill_place_choices(_l("Không chọn"))

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

    def point_fields(self) -> dict:
        """What create_point and update_point take (showrooms/services.py)."""
        fields = {name: getattr(self, name).data for name in self.FIELDS}
        fields["point_type"], fields["status"] = PointType(fields["point_type"]), PointStatus(fields["status"])
        fields["street_address"] = fields["street_address"] or ""
        fields["opening_hours"] = fields["opening_hours"] or ""
        fields["max_discount_bps"] = self.max_discount.bps
        return fields


class OperatorForm(FlaskForm):
    email = EmailField(_l("Email của tài khoản"), filters=[strip], validators=[required(), max_length(254), EmailAddress()])
    lead = BooleanField(_l("Trưởng điểm (duyệt giảm giá vượt mức)"))


class LeadForm(FlaskForm):
    """Make an operator the point's lead, or not, with one button."""

    lead = SelectField(choices=choices({"1": "1", "0": "0"}), validate_choice=True)


class ConsignmentForm(FlaskForm):
    producer_id = SelectField(_l("Chủ thể ký gửi"), coerce=integer_choice, validate_choice=False,
                              validators=[required(_l("Vui lòng chọn một chủ thể."))])
    rate = StringField(_l("Điểm bán giữ lại (%)"), validators=[required(), PercentRate()],
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

    status = SelectField(choices=choices(POINT_STATUSES), validate_choice=False)

    def validate_status(self, field):
        if field.data not in POINT_STATUSES:
            raise FieldError(_l("Vui lòng chọn trạng thái."))
