"""The audit log's filter: a GET form, so no CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("Người thực hiện (email hoặc mã tài khoản)"), validators=[Optional(), Length(max=254)])
    action = SelectField(_l("Hành động"), choices=[], validate_choice=False, validators=[Optional()])
    target_type = SelectField(_l("Loại đối tượng"), choices=[], validate_choice=False, validators=[Optional()])
    target_id = StringField(_l("Mã đối tượng"), validators=[Optional(), Length(max=64)])
    since = DateField(_l("Từ ngày"), validators=[Optional()], format="%Y-%m-%d")
    until = DateField(_l("Đến ngày"), validators=[Optional()], format="%Y-%m-%d")

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))
