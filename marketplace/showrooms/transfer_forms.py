"""Forms of the transfer pages (send, receive) and the scan every back-room page starts
from: a barcode (GTIN, as a keyboard-wedge scanner types it, then Enter) or, for a pack
without one, a few words of its name."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, Form, FormField, IntegerField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import HiddenInput

from marketplace.showrooms import shelf
from marketplace.showrooms.shelf import ShelfItem
from marketplace.web.place_fields import integer_choice, max_length, required, strip

MAX_LINES = 100
MAX_UNITS = 100_000


def _whole_units(minimum: int):
    return [InputRequired(_l("Nhập số lượng.")),
            NumberRange(min=minimum, max=MAX_UNITS, message=_l("Nhập một số nguyên từ %(min)d đến %(max)d."))]


def as_int(text) -> int | None:
    """A number from a button's or a hidden field's value; None for anything else."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def scan_field():
    return StringField(_l("Mã vạch hoặc tên sản phẩm"), filters=[strip], validators=[Optional(), max_length(200)])


@dataclass
class Lookup:
    """What a scan found: one item, or several to choose from (a name), or nothing (an error to show)."""

    item: ShelfItem | None = None
    choices: list[ShelfItem] = field(default_factory=list)
    error: str | None = None


def look_up(point_id: int, text: str) -> Lookup:
    """A barcode finds its item; words find the items named so (one: that one)."""
    if not text:
        return Lookup(error=_l("Quét mã vạch hoặc gõ tên sản phẩm."))
    if shelf.gtin_forms(text):
        try:
            return Lookup(shelf.by_gtin(point_id, text))
        except shelf.ItemNotFound:
            return Lookup(error=_l("Không có sản phẩm nào mang mã vạch %(code)s tại điểm bán này.", code=text))
    found = shelf.search(point_id, text)
    if len(found) == 1:
        return Lookup(found[0])
    if not found:
        return Lookup(error=_l("Không tìm thấy sản phẩm nào tên như “%(text)s” tại điểm bán này.", text=text))
    return Lookup(choices=found)


# --- send ------------------------------------------------------------------------------

class SendLineForm(Form):
    variant_id = IntegerField(widget=HiddenInput())
    lot_code = SelectField(_l("Lô"), validate_choice=False)
    quantity = IntegerField(_l("Số lượng"), validators=_whole_units(1))


class SendForm(FlaskForm):
    to_point_id = SelectField(_l("Chuyển đến điểm bán"), coerce=integer_choice, validate_choice=False,
                              validators=[required(_l("Chọn điểm bán nhận hàng."))])
    scan = scan_field()
    lines = FieldList(FormField(SendLineForm), max_entries=MAX_LINES)
    note = TextAreaField(_l("Ghi chú (không bắt buộc)"), filters=[strip], validators=[Optional(), max_length(500)])
    send_anyway = BooleanField(_l("Vẫn chuyển: tôi biết điểm nhận chưa bán được các sản phẩm này"))

    def __init__(self, *args, destinations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.to_point_id.choices = [SelectChoice("", _l("Chọn điểm bán"))] + [SelectChoice(p.id, p.name)
                                                                              for p in destinations]

    def validate_lines(self, field):
        if not field.entries:
            raise FieldError(_l("Quét ít nhất một sản phẩm để chuyển."))

    def add(self, variant_id: int) -> None:
        """One more unit of the variant: on its line taking first-expiring lots, or a new line."""
        for entry in self.lines.entries:
            if entry.form.variant_id.data == variant_id and not entry.form.lot_code.data:
                quantity = entry.form.quantity
                quantity.data, quantity.raw_data = (quantity.data or 0) + 1, None
                return
        if len(self.lines.entries) < MAX_LINES:
            self.lines.append_entry({"variant_id": variant_id, "lot_code": "", "quantity": 1})

    def remove(self, index: int) -> None:
        self.lines.entries = [e for i, e in enumerate(self.lines.entries) if i != index]

    def variant_ids(self) -> list[int]:
        return [e.form.variant_id.data for e in self.lines.entries if e.form.variant_id.data]


# --- receive ---------------------------------------------------------------------------

class ReceiveLineForm(Form):
    line_id = IntegerField(widget=HiddenInput())
    quantity = IntegerField(_l("Số lượng nhận được"), validators=_whole_units(0))


class ReceiveForm(FlaskForm):
    lines = FieldList(FormField(ReceiveLineForm), max_entries=MAX_LINES)
    note = TextAreaField(_l("Ghi chú"), filters=[strip], validators=[Optional(), max_length(400)])
    # the quantities whose differences were last shown: confirming others shows them first
    previewed = StringField(widget=HiddenInput())

    def __init__(self, *args, transfer=None, **kwargs):
        if transfer is not None and not kwargs.get("formdata"):
            kwargs["data"] = {"lines": [{"line_id": line.id, "quantity": line.quantity_sent}
                                        for line in transfer.lines]}
        super().__init__(*args, **kwargs)

    def received(self) -> dict[int, int]:
        return {e.form.line_id.data: e.form.quantity.data for e in self.lines.entries}

    def signature(self) -> str:
        """The quantities typed, as static/transfers.js writes them into `previewed`."""
        return ",".join(f"{line_id}:{quantity}" for line_id, quantity in sorted(self.received().items()))

    def differs(self, transfer) -> bool:
        received = self.received()
        return any(received.get(line.id, line.quantity_sent) != line.quantity_sent for line in transfer.lines)

    def require_note_for(self, transfer) -> bool:
        """A difference needs a word on why (broken in transit, miscounted at dispatch)."""
        if self.differs(transfer) and not self.note.data:
            self.note.errors = [*self.note.errors, _l("Có chênh lệch: ghi rõ lý do (ví dụ: vỡ 1 gói khi vận chuyển).")]
            return False
        return True


def error_items(form) -> list[tuple[str, str]]:
    """A form's errors for the summary at the top of its page, each with the id of the field to go to:
    its own fields by label, its lines as "Dòng n" (pointing at the line's quantity)."""
    items = []
    for field in form:
        if field.type == "FieldList":
            for error in (e for e in field.errors if isinstance(e, str)):
                items.append((form.scan.id if hasattr(form, "scan") else field.id, str(error)))
            for number, entry in enumerate(field.entries, 1):
                errors = [error for sub in entry.form for error in sub.errors]
                if errors:
                    items.append((entry.form.quantity.id, _l("Dòng %(n)d: %(error)s", n=number, error=errors[0])))
        elif field.errors and field.type != "CSRFTokenField":
            items.append((field.id, f"{field.label.text}: {field.errors[0]}"))
    return items
