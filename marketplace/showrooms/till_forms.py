"""The till pages' labels and form: payment methods and price-change reasons as the till and
its receipts name them, and handing the cash over at the end of the day (the counted amount
typed as people write it, "1.250.000"). The limits are the API's (HandoverInSchema)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Optional
from wtforms.validators import ValidationError as FieldError

from marketplace.catalog.portal_forms import VndField
from marketplace.money import MAX_PRICE_VND
from marketplace.web.place_fields import max_length, strip

PAYMENT_METHODS = {"cash": _l("Tiền mặt"), "card": _l("Thẻ"), "bank_transfer": _l("Chuyển khoản")}
OVERRIDE_REASONS = {"damaged_pack": _l("Bao bì hư hỏng"), "near_expiry": _l("Sắp hết hạn"),
                    "promotion": _l("Khuyến mãi"), "other": _l("Lý do khác (ghi rõ)")}


_MAX_TEXT = f"{MAX_PRICE_VND:,}".replace(",", ".")


class CountedCash(VndField):
    """Whole đồng, parsed as the catalogue's prices are ("1.250.000", "1 250 000 ₫"), with the till's messages."""

    def pre_validate(self, form):
        if self.data is None:
            raise FieldError(_l("Nhập số tiền đếm được, ví dụ 1.250.000."))
        if self.data == "invalid":
            raise FieldError(_l("Nhập số tiền bằng số đồng, ví dụ 1.250.000."))
        if self.data < 1:
            raise FieldError(_l("Số tiền phải lớn hơn 0 đồng."))
        if self.data > MAX_PRICE_VND:
            raise FieldError(_l("Tối đa %(max)s đồng mỗi lần bàn giao.", max=_MAX_TEXT))


class HandoverForm(FlaskForm):
    amount = CountedCash(_l("Số tiền mặt đếm được (đồng)"), render_kw={"inputmode": "numeric", "autocomplete": "off"})
    reference = StringField(_l("Số biên bản hoặc ghi chú (không bắt buộc)"), filters=[strip],
                            validators=[Optional(), max_length(120)])
