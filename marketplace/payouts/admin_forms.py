"""The back office's payout forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class MarkPaidForm(FlaskForm):
    bank_reference = StringField(_l("Mã giao dịch ngân hàng"), validators=[
        DataRequired(_l("Nhập mã giao dịch trên sao kê.")), Length(max=120, message=_l("Tối đa %(max)d ký tự."))])
