"""The producer portal's product forms (Flask-WTF). Their limits are the API's
(catalog/schemas.py); each form turns its fields into the dict the use case takes
(catalog/services.py), as the API's schemas do."""

from functools import cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from stdnum import ean
from wtforms import (BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField,
                     SubmitField, TextAreaField, widgets)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from marketplace.catalog.certification import IssuingLevel, OtherCertification
from marketplace.catalog.models import NetUnit, ProductGroup, ProductStatus
from marketplace.catalog.schemas import MAX_STOCK
from marketplace.regions import divisions
from marketplace.money import MAX_PRICE_VND
from marketplace.text import fold
from marketplace.web.labels import CERTIFICATIONS, GROUPS, ISSUING_LEVELS, choices

CERTIFICATE_FIELDS = ("stars", "decision_number", "issuing_level", "issued_on", "valid_until")
NET_UNITS = {"g": _l("gam (g)"), "ml": _l("mililít (ml)"), "piece": _l("cái, chiếc")}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _code(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _required(message=None):
    return DataRequired(message=message or _l("Vui lòng điền mục này."))


def _max(length):
    return Length(max=length, message=_l("Tối đa %(max)d ký tự."))


@cache
def _province_choices():
    return tuple(sorted(((code, p.name) for code, p in divisions.provinces().items()), key=lambda c: fold(c[1])))


@cache
def _ward_choices(province_code: int):
    wards = ((int(w.code), w.name) for w in divisions.wards().values() if int(w.province_code) == province_code)
    return tuple(sorted(wards, key=lambda c: fold(c[1])))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


_MAX_PRICE_TEXT = f"{MAX_PRICE_VND:,}".replace(",", ".")


class VndField(StringField):
    """Whole đồng, typed as people write them: "320.000", "320 000 ₫" or "320000"."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        digits = "".join(ch for ch in self.raw if ch not in " .,₫đ\u00a0")
        self.data = int(digits) if digits.isascii() and digits.isdigit() else (None if not digits else "invalid")

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        return "" if self.data is None else f"{self.data:,}".replace(",", ".")

    def pre_validate(self, form):
        if self.data == "invalid":
            raise FieldError(_l("Nhập giá bằng số đồng, ví dụ 320.000."))
        if self.data is not None and not 1 <= self.data <= MAX_PRICE_VND:
            raise FieldError(_l("Giá phải từ 1 đến %(max)s đồng.", max=_MAX_PRICE_TEXT))


class ValidGtin:
    """The domain's GTIN rule (catalog.schemas.Gtin): 8, 12, 13 or 14 digits, correct check digit."""

    def __call__(self, form, field):
        raw = (field.data or "").replace(" ", "")
        if not raw:
            field.data = None
            return
        if len(raw) > 14 or not raw.isdigit() or not ean.is_valid(raw):
            raise FieldError(_l("Mã vạch GTIN không hợp lệ (8, 12, 13 hoặc 14 chữ số, chữ số kiểm tra đúng)."))
        field.data = ean.compact(raw)


class ProductForm(FlaskForm):
    name = StringField(_l("Tên sản phẩm"), filters=[_strip], validators=[_required(), _max(200)])
    group = SelectField(_l("Nhóm sản phẩm"), validate_choice=False, validators=[_required(_l("Vui lòng chọn nhóm sản phẩm."))])
    description = TextAreaField(_l("Mô tả"), filters=[_strip], validators=[Optional(), _max(10_000)])
    origin_province_code = SelectField(_l("Tỉnh, thành phố xuất xứ"), coerce=_code, validate_choice=False,
                                       validators=[_required(_l("Vui lòng chọn tỉnh, thành phố."))])
    choose_province = SubmitField(_l("Chọn phường, xã của tỉnh này"))
    origin_ward_code = SelectField(_l("Phường, xã xuất xứ (không bắt buộc)"), coerce=_code, validate_choice=False,
                                   validators=[Optional()])
    shelf_life_days = IntegerField(_l("Hạn sử dụng (ngày, không bắt buộc)"), validators=[
        Optional(), NumberRange(min=1, max=3650, message=_l("Từ %(min)s đến %(max)s ngày."))])
    certifications = MultiCheckboxField(_l("Chứng nhận khác"), validate_choice=True)

    stars = SelectField(_l("Hạng sao OCOP"), coerce=_code, validate_choice=False)
    decision_number = StringField(_l("Số quyết định"), filters=[_strip], validators=[Optional(), _max(80)])
    issuing_level = SelectField(_l("Cấp công nhận"), validate_choice=False)
    issued_on = DateField(_l("Ngày quyết định"), validators=[Optional()])
    valid_until = DateField(_l("Hiệu lực đến (không bắt buộc)"), validators=[Optional()])

    def __init__(self, *args, product=None, **kwargs):
        if product is not None:
            kwargs["data"] = {
                "name": product.name, "group": product.group.value, "description": product.description,
                "origin_province_code": product.origin_province_code, "origin_ward_code": product.origin_ward_code,
                "shelf_life_days": product.shelf_life_days, "certifications": list(product.certifications or []),
                "stars": product.ocop_stars, "decision_number": product.ocop_decision_number,
                "issuing_level": product.ocop_issuing_level.value if product.ocop_issuing_level else "",
                "issued_on": product.ocop_issued_on, "valid_until": product.ocop_valid_until}
        super().__init__(*args, **kwargs)
        self.group.choices = [("", _l("Chọn nhóm"))] + [(g.value, GROUPS[g.value]) for g in ProductGroup]
        self.origin_province_code.choices = [("", _l("Chọn tỉnh, thành phố"))] + list(_province_choices())
        province = self.origin_province_code.data
        province = province if province and divisions.is_province(province) else None
        self.origin_ward_code.choices = [("", _l("Không chọn") if province else _l("Chọn tỉnh, thành phố trước"))]
        self.origin_ward_code.choices += list(_ward_choices(province) if province else ())
        self.certifications.choices = [(c.value, CERTIFICATIONS[c.value]) for c in OtherCertification]
        self.stars.choices = [("", _l("Chưa có chứng nhận OCOP"))] + [(n, f"{n} ★") for n in (3, 4, 5)]
        self.issuing_level.choices = [("", _l("Chọn cấp"))] + [(lv.value, ISSUING_LEVELS[lv.value])
                                                              for lv in IssuingLevel]

    def choosing_province(self) -> bool:
        return self.is_submitted() and bool(self.choose_province.data)

    def validate_origin_province_code(self, field):
        if field.data is not None and not divisions.is_province(field.data):
            raise FieldError(_l("Vui lòng chọn tỉnh, thành phố trong danh sách."))

    def validate_origin_ward_code(self, field):
        province = self.origin_province_code.data
        if field.data and province and not divisions.ward_in_province(field.data, province):
            raise FieldError(_l("Phường, xã này không thuộc tỉnh, thành phố đã chọn. Vui lòng chọn lại."))

    def validate_issuing_level(self, field):
        if field.data and field.data not in {level.value for level in IssuingLevel}:
            raise FieldError(_l("Vui lòng chọn cấp công nhận."))

    def validate_stars(self, field):
        if field.data is not None and field.data not in (3, 4, 5):
            raise FieldError(_l("Hạng sao OCOP là 3, 4 hoặc 5."))

    def validate_group(self, field):
        if field.data and field.data not in {g.value for g in ProductGroup}:
            raise FieldError(_l("Vui lòng chọn nhóm sản phẩm."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        given = [name for name in ("stars", "decision_number", "issuing_level", "issued_on")
                 if getattr(self, name).data not in (None, "")]
        if given:  # a certificate is all or nothing
            for name in ("stars", "decision_number", "issuing_level", "issued_on"):
                field = getattr(self, name)
                if field.data in (None, "") and not field.errors:
                    field.errors = [*field.errors, _l("Cần cho giấy chứng nhận OCOP.")]
                    ok = False
        return ok

    def certificate_given(self) -> bool:
        return self.stars.data is not None

    def product_fields(self) -> dict:
        """What create_product / update_product take."""
        data = {
            "name": self.name.data, "group": ProductGroup(self.group.data), "description": self.description.data or "",
            "origin_province_code": self.origin_province_code.data, "origin_ward_code": self.origin_ward_code.data,
            "shelf_life_days": self.shelf_life_days.data,
            "certifications": [OtherCertification(c) for c in self.certifications.data or []],
        }
        if self.certificate_given():
            data["certification"] = {
                "stars": self.stars.data, "decision_number": self.decision_number.data,
                "issuing_level": IssuingLevel(self.issuing_level.data), "issued_on": self.issued_on.data,
                "valid_until": self.valid_until.data}
        return data

    def show_certificate_errors(self, errors: dict) -> None:
        """The domain's certificate refusals (InvalidCertificate), beside their fields."""
        for name, messages in errors.items():
            field = getattr(self, name if name in CERTIFICATE_FIELDS else "stars")
            field.errors = [*field.errors, *messages]


class VariantForm(FlaskForm):
    label = StringField(_l("Tên quy cách"), filters=[_strip], validators=[_required(), _max(80)])
    net_quantity = IntegerField(_l("Khối lượng, thể tích hoặc số lượng tịnh"), validators=[
        _required(_l("Nhập một số nguyên lớn hơn 0.")),
        NumberRange(min=1, max=10_000_000, message=_l("Từ %(min)s đến %(max)s."))])
    net_unit = SelectField(_l("Đơn vị"), validate_choice=True,
                           choices=choices({u.value: NET_UNITS[u.value] for u in NetUnit}))
    price_vnd = VndField(_l("Giá bán (đồng)"), validators=[_required(_l("Nhập giá bán."))])
    gtin = StringField(_l("Mã vạch GTIN (không bắt buộc)"), filters=[_strip], validators=[ValidGtin()])
    stock_quantity = IntegerField(_l("Tồn kho bán trực tuyến"), default=0, validators=[
        Optional(), NumberRange(min=0, max=MAX_STOCK, message=_l("Từ %(min)s đến %(max)s."))])
    is_active = BooleanField(_l("Đang bán quy cách này"), default=True)

    def __init__(self, *args, variant=None, **kwargs):
        if variant is not None:
            kwargs["data"] = {name: getattr(variant, name) for name in (
                "label", "net_quantity", "price_vnd", "gtin", "stock_quantity", "is_active")}
            kwargs["data"]["net_unit"] = variant.net_unit.value
        super().__init__(*args, **kwargs)

    def variant_fields(self) -> dict:
        return {"label": self.label.data, "net_quantity": self.net_quantity.data,
                "net_unit": NetUnit(self.net_unit.data), "price_vnd": self.price_vnd.data,
                "gtin": self.gtin.data or None, "stock_quantity": self.stock_quantity.data or 0,
                "is_active": self.is_active.data}


class ImageUploadForm(FlaskForm):
    image = FileField(_l("Thêm ảnh (JPEG, PNG hoặc WebP)"))


class DocumentUploadForm(FlaskForm):
    document = FileField(_l("Quyết định công nhận OCOP (PDF hoặc ảnh chụp)"))


class ImportForm(FlaskForm):
    file = FileField(_l("Tệp danh sách sản phẩm (CSV hoặc XLSX)"))


class ListFilterForm(FlaskForm):
    """The list's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    trang_thai = SelectField(_l("Trạng thái"), validate_choice=False)
    q = StringField(_l("Tìm theo tên hoặc mã vạch"), filters=[_strip])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trang_thai.choices = [("", _l("Tất cả"))] + [(s.value, STATUS_LABELS[s.value]) for s in ProductStatus]

    def status(self) -> ProductStatus | None:
        try:
            return ProductStatus(self.trang_thai.data)
        except ValueError:
            return None


STATUS_LABELS = {"draft": _l("Bản nháp"), "active": _l("Đang bán"), "archived": _l("Đã lưu trữ")}
