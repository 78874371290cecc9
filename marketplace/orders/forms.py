"""The cart and checkout forms (Flask-WTF, CSRF included). Each form turns
what the shopper typed into the body the service takes, the one the API's
schemas load (marketplace/orders/schemas.py)."""

import re
import uuid

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from marketplace.accounts.schemas import normalise_vn_phone
from marketplace.orders.cart import MAX_LINE_QUANTITY
from marketplace.payments.models import PaymentMethod
from marketplace.regions import divisions
from marketplace.text import fold
from marketplace.web.place_fields import integer_choice, ward_choices

NEW_ADDRESS = "new"
_TOO_LONG = _l("Tối đa %(max)d ký tự.")


class QuantityForm(FlaskForm):
    quantity = IntegerField(_l("Số lượng"), invalid_value_message=_l("Nhập số lượng bằng chữ số."), validators=[
        InputRequired(_l("Nhập số lượng.")),
        NumberRange(1, MAX_LINE_QUANTITY, _l("Số lượng từ 1 đến %(max)d.", max=MAX_LINE_QUANTITY))])


class AddToCartForm(QuantityForm):
    variant_id = IntegerField(validators=[InputRequired()])


def _vietnamese_phone(form, field):
    try:
        valid = phonenumbers.is_valid_number_for_region(phonenumbers.parse(field.data or "", "VN"), "VN")
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        raise ValidationError(_l("Số điện thoại Việt Nam chưa đúng, ví dụ 0912 345 678."))


def _ward_of_province(form, field):
    if not field.data:
        raise ValidationError(_l("Chọn phường, xã."))
    if not divisions.ward_in_province(field.data, form.province_code.data or 0):
        raise ValidationError(_l("Chọn phường, xã thuộc tỉnh, thành phố đã chọn."))


def _province(form, field):
    if not divisions.is_province(field.data or 0):
        raise ValidationError(_l("Chọn tỉnh, thành phố."))


def _for_a_new_address(*validators):
    """Run `validators` only when the shopper ships to a new address (not a saved one)."""
    def check(form, field):
        if form.ships_to_new_address:
            for validator in validators:
                validator(form, field)
    return check


def province_choices() -> list[tuple[int, str]]:
    """(code, name) by name as shoppers look for it: "Hà Nội", not "Thành phố Hà Nội" under T.
    A closed select then picks a province by typing its name, diacritics or not."""
    short = {code: re.sub(r"^(Thành phố|Tỉnh) ", "", p.name) for code, p in divisions.provinces().items()}
    return sorted(short.items(), key=lambda item: fold(item[1]))


class CheckoutForm(FlaskForm):
    # Saved addresses by id, or NEW_ADDRESS; an id that is not the shopper's is refused by the service.
    address_choice = RadioField(_l("Giao đến"), validate_choice=False, default=NEW_ADDRESS)
    recipient_name = StringField(_l("Họ và tên người nhận"), validators=[_for_a_new_address(
        DataRequired(_l("Nhập họ và tên người nhận.")), Length(max=120, message=_TOO_LONG))])
    phone = StringField(_l("Số điện thoại"), validators=[_for_a_new_address(
        DataRequired(_l("Nhập số điện thoại.")), _vietnamese_phone)])
    province_code = SelectField(_l("Tỉnh, thành phố"), coerce=integer_choice, validate_choice=False,
                                validators=[_for_a_new_address(_province)])
    ward_code = SelectField(_l("Phường, xã"), coerce=integer_choice, validate_choice=False,
                            validators=[_for_a_new_address(_ward_of_province)])
    street_address = StringField(_l("Số nhà, đường, thôn, xóm"), validators=[_for_a_new_address(
        DataRequired(_l("Nhập số nhà, tên đường hoặc thôn, xóm.")), Length(max=200, message=_TOO_LONG))])
    # Any method by name; one not on offer now (card without Stripe) is refused by the service.
    payment_method = RadioField(_l("Cách thanh toán"), validate_choice=False)
    note = TextAreaField(_l("Ghi chú cho người bán (không bắt buộc)"), validators=[Optional(), Length(max=500, message=_TOO_LONG)])
    idempotency_key = HiddenField()

    def __init__(self, methods: list[str], saved_address_ids: list[int], **kwargs):
        super().__init__(**kwargs)
        self.payment_method.choices = [(m, m) for m in methods]
        self.saved_address_ids = saved_address_ids
        if not self.is_submitted():
            self.idempotency_key.data = str(uuid.uuid4())  # one per rendered form: a double submit replays
            if saved_address_ids:
                self.address_choice.data = str(saved_address_ids[0])  # the default address
        self.province_code.choices = [("", _l("Chọn tỉnh, thành phố"))] + province_choices()
        province = self.province_code.data if divisions.is_province(self.province_code.data or 0) else None
        self.ward_code.choices = [("", _l("Chọn phường, xã"))] + list(ward_choices(province) if province else ())

    @property
    def ships_to_new_address(self) -> bool:
        return self.address_choice.data == NEW_ADDRESS

    @property
    def saved_address_id(self) -> int | None:
        return None if self.ships_to_new_address else integer_choice(self.address_choice.data)

    def validate_idempotency_key(self, field):
        # Only a form that was tampered with or is very old comes without one: a fresh key, and say so.
        if not 8 <= len(field.data or "") <= 255:
            field.data = str(uuid.uuid4())
            raise ValidationError(_l("Biểu mẫu đã cũ. Hãy kiểm tra lại rồi đặt hàng."))

    def validate_payment_method(self, field):
        if field.data not in {method.value for method in PaymentMethod}:
            raise ValidationError(_l("Chọn cách thanh toán."))

    def validate_address_choice(self, field):
        if not self.ships_to_new_address and self.saved_address_id is None:
            raise ValidationError(_l("Chọn một địa chỉ đã lưu hoặc nhập địa chỉ mới."))

    def body(self) -> dict:
        """The checkout body, as CheckoutSchema loads it."""
        body = {"payment_method": PaymentMethod(self.payment_method.data), "note": (self.note.data or "").strip()}
        if self.ships_to_new_address:
            body["shipping_address"] = {
                "recipient_name": self.recipient_name.data.strip(), "phone": normalise_vn_phone(self.phone.data),
                "province_code": self.province_code.data, "ward_code": self.ward_code.data,
                "street_address": self.street_address.data.strip()}
        else:
            body["address_id"] = self.saved_address_id
        return body
