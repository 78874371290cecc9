"""Forms of the producer portal's member pages (Flask-WTF: CSRF on every POST)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Length

from marketplace.accounts.forms import EmailAddress

from marketplace.producers.models import MemberRole

ROLE_LABELS = {MemberRole.OWNER: _l("Chủ sở hữu"), MemberRole.STAFF: _l("Nhân viên")}


def _role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class InviteForm(FlaskForm):
    email = EmailField(_l("Email của tài khoản"), filters=[lambda value: (value or "").strip()], validators=[
        DataRequired(_l("Nhập email.")), Length(max=254), EmailAddress()])
    role = SelectField(_l("Vai trò"), choices=_role_choices, default=MemberRole.STAFF.value,
                       validators=[DataRequired()])


class RoleForm(FlaskForm):
    role = SelectField(_l("Vai trò"), choices=_role_choices, validators=[DataRequired()])


class RemoveForm(FlaskForm):
    """Only the CSRF token: the member is in the URL."""
