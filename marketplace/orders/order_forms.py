"""Forms of the shopper's order pages (Flask-WTF: CSRF on every POST)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Lý do huỷ (không bắt buộc)"), filters=[lambda value: (value or "").strip()],
                           validators=[Length(max=500, message=_l("Lý do dài tối đa %(max)d ký tự."))])


class ConfirmReceivedForm(FlaskForm):
    """Only the CSRF token: the part is in the URL."""
