"""Forms of the producer portal's order pages (Flask-WTF: CSRF on every POST)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace.orders.lifecycle import SubOrderStatus


def _strip(value):
    return (value or "").strip()


class InboxFilterForm(FlaskForm):
    """The inbox's filters: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    trang_thai = SelectField(_l("Trạng thái"), choices=[], validators=[Optional()])
    tu_ngay = DateField(_l("Từ ngày"), validators=[Optional()])
    den_ngay = DateField(_l("Đến ngày"), validators=[Optional()])
    q = SearchField(_l("Mã đơn hoặc số điện thoại"), filters=[_strip], validators=[Optional(), Length(max=100)])

    def __init__(self, status_labels: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trang_thai.choices = [("", _l("Tất cả"))] + [(status.value, label) for status, label in
                                                            status_labels.items()]

    @property
    def status(self) -> SubOrderStatus | None:
        return SubOrderStatus(self.trang_thai.data) if self.trang_thai.data else None


class PackForm(FlaskForm):
    """Only the CSRF token: the part is in the URL."""


class ShipForm(FlaskForm):
    carrier = StringField(_l("Đơn vị vận chuyển"), filters=[_strip], validators=[
        DataRequired(_l("Nhập đơn vị vận chuyển.")), Length(max=80, message=_l("Tối đa %(max)d ký tự."))])
    tracking_number = StringField(_l("Mã vận đơn"), filters=[_strip], validators=[
        DataRequired(_l("Nhập mã vận đơn.")), Length(max=80, message=_l("Tối đa %(max)d ký tự."))])


class DeliverForm(FlaskForm):
    """For cash on delivery, the cash collected (the service checks it is the amount due)."""
    cash_collected_vnd = IntegerField(_l("Tiền mặt đã thu (đồng)"), validators=[
        Optional(), NumberRange(min=0, message=_l("Số tiền không hợp lệ."))])


class ProducerCancelForm(FlaskForm):
    reason = TextAreaField(_l("Lý do huỷ"), filters=[_strip], validators=[
        DataRequired(_l("Cho người mua biết vì sao phần đơn này bị huỷ.")),
        Length(max=500, message=_l("Lý do dài tối đa %(max)d ký tự."))])
