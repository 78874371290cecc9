"""The back office's forms for incoming transfers: a decision on one, a statement to import."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

_NOTE_LENGTH = Length(max=500, message=_l("Tối đa %(max)d ký tự."))


class NoteForm(FlaskForm):
    """Refund or re-reserve: a note is welcome (the refund's own bank reference, say)."""

    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), _NOTE_LENGTH])


class ConfirmForm(NoteForm):
    order = StringField(_l("Đơn hàng (để trống: đơn có thể khớp)"),
                        validators=[Optional(), Length(max=20, message=_l("Tối đa %(max)d ký tự."))])


class DismissForm(FlaskForm):
    note = TextAreaField(_l("Vì sao bỏ qua"), validators=[DataRequired(_l("Ghi rõ vì sao bỏ qua khoản này.")),
                                                           _NOTE_LENGTH])


class StatementForm(FlaskForm):
    file = FileField(_l("Tệp sao kê (CSV hoặc XLSX)"))
