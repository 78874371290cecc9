"""The commission-rate forms of the admin settings pages. A rate is typed in percent
("12,5" or "12.5"), kept as basis points, between 0 and 50% as the table allows."""

from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired
from wtforms.validators import ValidationError as FieldError

from marketplace.extensions import db
from marketplace.producers.models import Producer
from marketplace.web.labels import GROUPS

MAX_BPS = 5000


def percent_to_bps(text: str, max_bps: int = MAX_BPS) -> int:
    """ "12,5" → 1250. Raises ValueError for anything that is not 0–50 (max_bps) with at most two decimals."""
    try:
        value = Decimal(text.strip().replace(",", ".").rstrip("%").strip())
    except InvalidOperation:
        raise ValueError from None
    bps = value * 100
    if not value.is_finite() or bps != bps.to_integral_value() or not 0 <= bps <= max_bps:
        raise ValueError
    return int(bps)


def bps_to_percent(bps: int) -> str:
    """1250 → "12,5" (as people in Vietnam write it)."""
    whole, cents = divmod(bps, 100)
    return f"{whole},{cents:02d}".rstrip("0").rstrip(",") if cents else str(whole)


class PercentRate:
    def __call__(self, form, field):
        try:
            field.bps = percent_to_bps(field.data or "")
        except ValueError:
            raise FieldError(_l("Nhập một số phần trăm từ 0 đến 50, tối đa hai chữ số thập phân (ví dụ 12,5).")) from None


def _rate_field():
    return StringField(_l("Mức hoa hồng (%)"), validators=[DataRequired(message=_l("Vui lòng điền mục này.")), PercentRate()],
                       render_kw={"inputmode": "decimal"})


class GroupRateForm(FlaskForm):
    group = SelectField(_l("Nhóm sản phẩm"), validate_choice=False, validators=[
        AnyOf(list(GROUPS), message=_l("Vui lòng chọn một nhóm sản phẩm."))])
    rate = _rate_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="group", **kwargs)
        self.group.choices = [("", _l("Chọn nhóm sản phẩm"))] + [(value, label) for value, label in GROUPS.items()]


def producer_choices() -> list[tuple[int, str]]:
    return [(pid, name) for pid, name in db.session.execute(sa.select(Producer.id, Producer.name)
                                                             .order_by(Producer.name, Producer.id))]


def _producer_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ProducerRateForm(FlaskForm):
    producer_id = SelectField(_l("Chủ thể"), coerce=_producer_id, validate_choice=False,
                              validators=[DataRequired(message=_l("Vui lòng chọn một chủ thể."))])
    rate = _rate_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="producer", **kwargs)
        self.producer_id.choices = [("", _l("Chọn chủ thể"))] + producer_choices()


class RemoveRateForm(FlaskForm):
    """The remove button of one row: only the CSRF token and which rate."""

    scope = HiddenField(validators=[AnyOf(["group", "producer"])])
    key = HiddenField(validators=[DataRequired()])

    def validate_key(self, field):
        if self.scope.data == "producer" and not (field.data or "").isdigit():
            raise FieldError(_l("Không có chủ thể này."))
