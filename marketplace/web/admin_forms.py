"""Forms every back-office page uses."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class ActionForm(FlaskForm):
    """A button that changes something: nothing to type, the CSRF token only."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(_l("Nhập lý do.")),
                                                    Length(max=500, message=_l("Tối đa %(max)d ký tự."))])
