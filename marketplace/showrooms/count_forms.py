"""Forms of the guided count and of write-offs.

A count in progress travels in the form itself, so it needs no JavaScript, nothing is
kept on the server until it is confirmed, and a refused submit loses nothing:

- ``v``            the products being counted (variant ids, in the order first scanned)
- ``n-<lot id>``   units counted in that lot (typed, or one more per scan)
- ``into-<variant id>``  the lot a scan of that product counts into
- ``seen-<lot id>``      on hand as the preview showed it (only once previewed)
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from marketplace.showrooms.models import AdjustmentReason
from marketplace.showrooms.transfer_forms import MAX_LINES, MAX_UNITS, as_int, scan_field
from marketplace.web.i18n import local_date
from marketplace.web.labels import choices
from marketplace.web.place_fields import integer_choice, max_length, strip

WRITE_OFF_REASONS = {
    AdjustmentReason.DAMAGED.value: _l("Hư hỏng"),
    AdjustmentReason.EXPIRED.value: _l("Hết hạn"),
    AdjustmentReason.LOST.value: _l("Thất lạc"),
}
ADJUSTMENT_REASONS = {**WRITE_OFF_REASONS, AdjustmentReason.COUNT_CORRECTION.value: _l("Kiểm kho")}


@dataclass
class CountState:
    variant_ids: list[int] = field(default_factory=list)
    counted: dict[int, int] = field(default_factory=dict)  # lot id → units
    typed: dict[int, str] = field(default_factory=dict)  # lot id → the text of a count that is not a number
    into: dict[int, int] = field(default_factory=dict)  # variant id → lot id
    seen: dict[int, int] = field(default_factory=dict)  # lot id → on hand at the preview

    @classmethod
    def read(cls, formdata) -> "CountState":
        state = cls()
        for text in formdata.getlist("v")[:MAX_LINES]:
            if (variant_id := as_int(text)) is not None and variant_id not in state.variant_ids:
                state.variant_ids.append(variant_id)
        for key, text in formdata.items():
            kind, _, key_id = key.partition("-")
            if (key_id := as_int(key_id)) is None:
                continue
            if kind == "n":
                units = as_int(text.strip())
                if units is None or not 0 <= units <= MAX_UNITS:
                    state.typed[key_id] = text[:20]
                else:
                    state.counted[key_id] = units
            elif kind == "into" and (lot_id := as_int(text)) is not None:
                state.into[key_id] = lot_id
            elif kind == "seen" and (units := as_int(text)) is not None:
                state.seen[key_id] = units
        return state

    def errors(self) -> dict[int, str]:
        """lot id → what is wrong with its count."""
        message = _l("Nhập một số nguyên từ 0 đến %(max)d.", max=MAX_UNITS)
        return {lot_id: message for lot_id in self.typed}

    def include(self, variant_id: int) -> None:
        if variant_id not in self.variant_ids and len(self.variant_ids) < MAX_LINES:
            self.variant_ids.append(variant_id)

    def one_more(self, lot_id: int) -> None:
        self.typed.pop(lot_id, None)
        self.counted[lot_id] = min(self.counted.get(lot_id, 0) + 1, MAX_UNITS)

    def drop(self, variant_id: int, lot_ids) -> None:
        self.variant_ids = [v for v in self.variant_ids if v != variant_id]
        for lot_id in lot_ids:
            self.counted.pop(lot_id, None)
            self.typed.pop(lot_id, None)


class CountForm(FlaskForm):
    """The scan and the note; the counts themselves are CountState."""

    scan = scan_field()
    note = TextAreaField(_l("Ghi chú (không bắt buộc)"), filters=[strip], validators=[Optional(), max_length(300)])


class WriteOffForm(FlaskForm):
    scan = scan_field()
    lot_id = RadioField(_l("Lô xuất huỷ"), coerce=integer_choice, validate_choice=False,
                        validators=[InputRequired(_l("Chọn lô hàng xuất huỷ."))])
    quantity = IntegerField(_l("Số lượng xuất huỷ"), validators=[
        InputRequired(_l("Nhập số lượng.")),
        NumberRange(min=1, max=MAX_UNITS, message=_l("Nhập một số nguyên từ %(min)d đến %(max)d."))])
    reason = RadioField(_l("Lý do"), choices=choices(WRITE_OFF_REASONS), validate_choice=False,
                        validators=[InputRequired(_l("Chọn lý do xuất huỷ."))])
    note = TextAreaField(_l("Ghi chú"), filters=[strip], validators=[Optional(), max_length(300)])

    def __init__(self, *args, lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lots = {lot.lot_id: lot for lot in lots}
        self.lot_id.choices = [SelectChoice(lot.lot_id, lot_label(lot)) for lot in lots]

    def validate_reason(self, field):
        if field.data not in WRITE_OFF_REASONS:
            raise FieldError(_l("Chọn lý do xuất huỷ."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.reason.data == AdjustmentReason.LOST.value and not self.note.data:  # a loss is looked into
            self.note.errors = [*self.note.errors, _l("Hàng thất lạc: ghi rõ phát hiện khi nào, ở đâu.")]
            return False
        return valid


def lot_label(lot) -> str:
    """A lot as one line (the error summary's): product, variant, lot code, expiry, units on hand."""
    expiry = (_l("hết hạn %(date)s", date=local_date(lot.expires_on)) if lot.expired else
              _l("HSD %(date)s", date=local_date(lot.expires_on))) if lot.expires_on else _l("không hạn dùng")
    return str(_l("%(product)s · %(variant)s — lô %(lot)s, %(expiry)s, còn %(units)d",
                  product=lot.product_name, variant=lot.variant_label, lot=lot.lot_code, expiry=expiry,
                  units=lot.on_hand))
