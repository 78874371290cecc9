"""The forms of the withholding-rate settings page: a new rate from a day to come (in percent,
"1" or "0,5", kept as basis points, at most 10%), and the remove button of one not yet in force."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired
from wtforms.validators import ValidationError as FieldError

from marketplace.pricing.forms import percent_to_bps
from marketplace.pricing.withholding_rates import MAX_BPS


class _Percent:
    def __call__(self, form, field):
        try:
            field.bps = percent_to_bps(field.data or "", MAX_BPS)
        except ValueError:
            raise FieldError(_l("Nhập một số phần trăm từ 0 đến 10, tối đa hai chữ số thập phân (ví dụ 0,5).")) from None


def _percent_field(label):
    return StringField(label, validators=[DataRequired(message=_l("Vui lòng điền mục này.")), _Percent()],
                       render_kw={"inputmode": "decimal"})


class _Day(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Ngày không hợp lệ. Ví dụ: 2026-12-31.")) from None


class WithholdingRateForm(FlaskForm):
    valid_from = _Day(_l("Áp dụng từ ngày"), validators=[InputRequired(message=_l("Vui lòng chọn ngày."))])
    vat = _percent_field(_l("Thuế GTGT (%)"))
    pit = _percent_field(_l("Thuế TNCN (%)"))


class RemoveWithholdingRateForm(FlaskForm):
    valid_from = HiddenField(validators=[DataRequired()])
