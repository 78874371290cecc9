"""The stamp sheet form: which lot (none, one the points received or stamps were printed for,
or one typed with its expiry), which label sheet, how many sheets."""

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from marketplace.traceability.links import LOT_MAX, is_stampable_lot
from marketplace.web.i18n import local_date
from marketplace.web.labels import choices
from marketplace.web.place_fields import strip

NO_LOT, TYPED_LOT = "khong", "khac"
MAX_SHEETS = 20
LAYOUT_LABELS = {
    "a4-65": _l("A4, 65 tem 38,1 × 21,2 mm (5 × 13, như Avery L7651)"),
    "a4-40": _l("A4, 40 tem 52,5 × 29,7 mm (4 × 10, như Avery 3651)"),
    "a4-24": _l("A4, 24 tem 70 × 37 mm (3 × 8, như Avery 3474)"),
}


class StampForm(FlaskForm):
    lot = RadioField(_l("Số lô in trên tem"), default=NO_LOT, validate_choice=False)
    lot_code = StringField(_l("Số lô khác"), filters=[strip])  # checked only for a typed lot (validate_lot_code)
    expires_on = DateField(_l("Hạn sử dụng của lô đó"), validators=[Optional()],
                           invalid_value_message=_l("Nhập ngày theo dạng ngày/tháng/năm."))
    layout = RadioField(_l("Tờ nhãn"), default="a4-65", choices=choices(LAYOUT_LABELS), validate_choice=False)
    sheets = IntegerField(_l("Số tờ"), default=1, invalid_value_message=_l("Nhập số tờ bằng chữ số."),
                          validators=[NumberRange(1, MAX_SHEETS, _l("Từ 1 đến %(max)d tờ."))])

    def __init__(self, *args, known_lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.known = {lot.code: lot for lot in known_lots}
        self.lot.choices = [SelectChoice(NO_LOT, _l("Không in số lô (tem của sản phẩm)")),
                            *(SelectChoice(f"lo:{lot.code}", _lot_label(lot)) for lot in known_lots),
                            SelectChoice(TYPED_LOT, _l("Số lô khác, nhập bên dưới"))]

    def validate_lot(self, field):
        _one_of_the_choices(field)

    def validate_layout(self, field):
        _one_of_the_choices(field)

    def validate_lot_code(self, field):
        if self.lot.data != TYPED_LOT:
            return
        if not field.data:
            raise FieldError(_l("Nhập số lô, hoặc chọn một lô ở trên."))
        if not is_stampable_lot(field.data):
            raise FieldError(_l(
                "Số lô tối đa %(max)d ký tự: chữ không dấu, số và các dấu - . / _ (không có khoảng trắng).", max=LOT_MAX))

    def chosen_lot(self):
        """(lot code, expiry) as chosen: (None, None) without a lot."""
        if self.lot.data == TYPED_LOT:
            return self.lot_code.data, self.expires_on.data
        if self.lot.data.startswith("lo:"):
            lot = self.known[self.lot.data[3:]]
            return lot.code, lot.expires_on
        return None, None


def _one_of_the_choices(field):
    # The radios offer nothing else; another value was typed into the request by hand.
    if field.data not in {choice.value for choice in field.choices}:
        raise FieldError(_l("Vui lòng chọn một mục trong danh sách."))


def _lot_label(lot) -> str:
    if lot.expires_on is None:
        return _("Lô %(code)s, không ghi hạn dùng", code=lot.code)
    return _("Lô %(code)s, hạn dùng %(date)s", code=lot.code, date=local_date(lot.expires_on))
