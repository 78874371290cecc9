"""Forms of the back room pages (backroom_pages.py): a delivery received line by line
(lines added by scanning their barcode), a variant's low-stock threshold, and the movement
history's filters. The limits are the operator API's (showrooms/schemas.py ReceiptSchema)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, FieldList, Form, FormField, IntegerField, SelectChoice, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import HiddenInput

from marketplace.showrooms.models import MovementKind
from marketplace.showrooms.schemas import MAX_LINES
from marketplace.web.place_fields import integer_choice, max_length, required, strip

MAX_UNITS = 100_000
MOVEMENT_KINDS = {
    MovementKind.RECEIPT: _l("Nhập hàng"), MovementKind.SALE: _l("Bán hàng"),
    MovementKind.RETURN_TO_PRODUCER: _l("Trả chủ thể"), MovementKind.TRANSFER_OUT: _l("Chuyển đi"),
    MovementKind.TRANSFER_IN: _l("Nhận chuyển đến"), MovementKind.ADJUSTMENT: _l("Điều chỉnh"),
}
ADJUSTMENT_REASONS = {"damaged": _l("Hư hỏng"), "expired": _l("Hết hạn"), "lost": _l("Mất"),
                      "count_correction": _l("Kiểm kho")}


class Day(DateField):
    """A date (yyyy-mm-dd, as a date input sends it), refused in the page's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Nhập một ngày hợp lệ (ngày/tháng/năm).")) from None


class WholeNumber(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Nhập một số nguyên.")) from None


def _units(message):
    return [InputRequired(message), NumberRange(min=1, max=MAX_UNITS, message=_l("Từ %(min)s đến %(max)s."))]


class ReceiptLineForm(Form):
    """One line of a delivery: a variant (from its barcode), its units and the lot they come in."""

    variant_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    quantity = WholeNumber(_l("Số lượng"), validators=_units(_l("Nhập số lượng.")), render_kw={"inputmode": "numeric"})
    lot_code = StringField(_l("Mã lô"), filters=[strip], validators=[required(_l("Nhập mã lô in trên bao bì.")),
                                                                    max_length(60)])
    expires_on = Day(_l("Hạn sử dụng"), validators=[Optional()])


class ReceiveForm(FlaskForm):
    """A delivery from a consigning producer. Its first submit button adds the scanned
    barcode's item, so the Enter a scanner types after the code presses it (never "receive")."""

    producer_id = SelectField(_l("Chủ thể giao hàng"), coerce=integer_choice, validate_choice=False,
                              validators=[required(_l("Vui lòng chọn chủ thể giao hàng."))])
    delivery_note = StringField(_l("Số phiếu giao hàng"), filters=[strip],
                                validators=[required(_l("Nhập số phiếu giao hàng của chủ thể.")), max_length(80)])
    scan = StringField(_l("Mã vạch"), filters=[strip], render_kw={"inputmode": "numeric", "autocomplete": "off",
                                                                 "enterkeyhint": "enter"})
    add_scanned = SubmitField(_l("Thêm"))
    lines = FieldList(FormField(ReceiptLineForm), max_entries=MAX_LINES)
    note = TextAreaField(_l("Ghi chú (không bắt buộc)"), filters=[strip], validators=[Optional(), max_length(500)])
    receive = SubmitField(_l("Nhập kho"))

    def __init__(self, *args, consignments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.producer_id.choices = [SelectChoice("", _l("Chọn chủ thể"))] + [
            SelectChoice(c.producer_id, c.producer.name) for c in consignments if c.active]

    def validate_lines(self, field):
        if not field.entries:
            raise FieldError(_l("Quét mã vạch để thêm ít nhất một sản phẩm."))

    def add_item(self, variant_id: int):
        """One more unit of this variant: on its last line (same lot), or on a new line.
        Returns that line's entry."""
        self.scan.data = ""
        for entry in reversed(self.lines.entries):
            if entry.variant_id.data == variant_id:
                quantity = entry.quantity
                quantity.data = (quantity.data or 0) + 1
                quantity.raw_data = [str(quantity.data)]
                return entry
        if len(self.lines.entries) >= MAX_LINES:
            raise FieldError(_l("Một phiếu nhập có tối đa %(max)d dòng.", max=MAX_LINES))
        return self.lines.append_entry({"variant_id": variant_id, "quantity": 1})

    def remove_line(self, index: int) -> None:
        """Take line `index` out; the later lines move up (their names are renumbered)."""
        kept = [entry.data for i, entry in enumerate(self.lines.entries) if i != index]
        while self.lines.entries:
            self.lines.pop_entry()
        for data in kept:
            self.lines.append_entry(data)

    def receipt_lines(self) -> list[dict]:
        """The lines as operations.receive takes them."""
        return [{"variant_id": e.variant_id.data, "quantity": e.quantity.data, "lot_code": e.lot_code.data,
                 "expires_on": e.expires_on.data} for e in self.lines.entries]


class ThresholdForm(FlaskForm):
    """A variant's low-stock threshold (the stock list's filters come with it, to go back to)."""

    threshold = WholeNumber(_l("Ngưỡng sắp hết"), validators=[
        InputRequired(_l("Nhập ngưỡng sắp hết.")),
        NumberRange(min=0, max=MAX_UNITS, message=_l("Từ %(min)s đến %(max)s."))])


class MovementFilterForm(FlaskForm):
    """The movement history's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    loai = SelectField(_l("Loại"), validate_choice=False,
                       choices=[SelectChoice("", _l("Tất cả"))] + [SelectChoice(kind.value, label)
                                                                   for kind, label in MOVEMENT_KINDS.items()])
    san_pham = SelectField(_l("Sản phẩm"), coerce=integer_choice, validate_choice=False)
    tu_ngay = Day(_l("Từ ngày"), validators=[Optional()])
    den_ngay = Day(_l("Đến ngày"), validators=[Optional()])

    def __init__(self, *args, variants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.san_pham.choices = [SelectChoice("", _l("Tất cả"))] + [SelectChoice(*v) for v in variants]

    def validate_loai(self, field):
        if field.data and field.data not in {kind.value for kind in MovementKind}:
            raise FieldError(_l("Chọn một loại trong danh sách."))

    def validate_san_pham(self, field):
        if field.data is not None and field.data not in {choice.value for choice in self.san_pham.choices[1:]}:
            raise FieldError(_l("Chọn một sản phẩm trong danh sách."))

    def validate_den_ngay(self, field):
        if field.data and self.tu_ngay.data and field.data < self.tu_ngay.data:
            raise FieldError(_l("Ngày kết thúc phải sau ngày bắt đầu."))

    def filters(self) -> dict:
        """What backroom.movement_history takes (nothing filtered when the form is invalid)."""
        return {"kind": MovementKind(self.loai.data) if self.loai.data else None, "variant_id": self.san_pham.data,
                "since": self.tu_ngay.data, "until": self.den_ngay.data}
