"""The back office's order forms: confirming a bank transfer, refunding a part."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

MAX_VND = 10_000_000_000  # ten billion đồng: more than any order
_AMOUNT = dict(invalid_value_message=_l("Nhập số tiền bằng chữ số, đơn vị đồng."))


def _amount_validators():
    return [InputRequired(_l("Nhập số tiền.")), NumberRange(1, MAX_VND, _l("Số tiền phải lớn hơn 0."))]


class ConfirmTransferForm(FlaskForm):
    amount_vnd = IntegerField(_l("Số tiền đã nhận (đồng)"), validators=_amount_validators(), **_AMOUNT)
    bank_reference = StringField(_l("Mã giao dịch ngân hàng"), validators=[
        DataRequired(_l("Nhập mã giao dịch trên sao kê.")), Length(max=120, message=_l("Tối đa %(max)d ký tự."))])


class RefundForm(FlaskForm):
    amount_vnd = IntegerField(_l("Số tiền hoàn (đồng)"), validators=_amount_validators(), **_AMOUNT)
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(_l("Nhập lý do.")),
                                                    Length(max=500, message=_l("Tối đa %(max)d ký tự."))])
