"""Forms of the producer portal's money pages (Flask-WTF: CSRF on every POST)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp


def _strip(value):
    return (value or "").strip()


class BankAccountForm(FlaskForm):
    bank_name = StringField(_l("Ngân hàng"), filters=[_strip], validators=[
        DataRequired(_l("Nhập tên ngân hàng.")), Length(max=120, message=_l("Tối đa %(max)d ký tự."))])
    bank_bin = StringField(_l("Mã BIN ngân hàng (NAPAS, không bắt buộc)"), filters=[_strip], validators=[
        Optional(), Regexp(r"^\d{6}$", message=_l("Mã BIN gồm 6 chữ số, ví dụ 970436."))])
    account_number = StringField(_l("Số tài khoản"), filters=[lambda v: _strip(v).replace(" ", "")], validators=[
        DataRequired(_l("Nhập số tài khoản.")), Regexp(r"^[0-9]{6,19}$", message=_l("Số tài khoản gồm 6 đến 19 chữ số."))])
    holder_name = StringField(_l("Chủ tài khoản"), filters=[_strip], validators=[
        DataRequired(_l("Nhập tên chủ tài khoản.")), Length(max=120, message=_l("Tối đa %(max)d ký tự."))])

    def data_for_service(self) -> dict:
        return {"bank_name": self.bank_name.data, "bank_bin": self.bank_bin.data or "",
                "account_number": self.account_number.data, "holder_name": self.holder_name.data}
