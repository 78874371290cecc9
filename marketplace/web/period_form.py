"""The period a portal list shows (from, until: Vietnam dates), shared by the pages that
filter by dates: a GET form, so no CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional, ValidationError


class PeriodForm(FlaskForm):
    """The statement's period: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    tu_ngay = DateField(_l("Từ ngày"), validators=[Optional()])
    den_ngay = DateField(_l("Đến ngày"), validators=[Optional()])

    def validate_den_ngay(self, field):
        if field.data and self.tu_ngay.data and field.data < self.tu_ngay.data:
            raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))
