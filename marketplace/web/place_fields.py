"""The province → ward selects of the web forms (saved addresses, checkout, display points),
and the small field helpers those forms share.

Without JavaScript the person picks the province and presses "choose ward" (`choose_province`),
which sends the form back with that province's wards in the second select and saves nothing;
static/wards.js does the same in place. Names sort as people look for them: Hà Nội among the
H's rather than under T for "Thành phố", and a ward by its name whether "Phường" or "Xã".
"""

import re
from functools import cache

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.validators import ValidationError as FieldError

from marketplace.regions import divisions
from marketplace.text import fold

_PREFIX = re.compile(r"^(thanh pho|tinh|xa|phuong|dac khu) ")


def by_name(name: str) -> str:
    """The sort key of a province or ward name: folded, without its kind ("Thành phố", "Xã"...)."""
    return _PREFIX.sub("", fold(name))


@cache
def province_choices() -> tuple[tuple[int, str], ...]:
    return tuple(sorted(((code, p.name) for code, p in divisions.provinces().items()),
                        key=lambda choice: by_name(choice[1])))


@cache
def ward_choices(province_code: int) -> tuple[tuple[int, str], ...]:
    wards = ((int(w.code), w.name) for w in divisions.wards().values() if int(w.province_code) == province_code)
    return tuple(sorted(wards, key=lambda choice: by_name(choice[1])))


def integer_choice(value):
    """A select's value: its integer code, or None for the "choose…" option or junk."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def strip(value):
    return value.strip() if isinstance(value, str) else value


def required(message=None):
    return DataRequired(message=message or _l("Vui lòng điền mục này."))


def max_length(n: int):
    return Length(max=n, message=_l("Tối đa %(max)d ký tự."))


class KnownProvince:
    def __call__(self, form, field):
        if not divisions.is_province(field.data):
            raise FieldError(_l("Vui lòng chọn tỉnh, thành phố trong danh sách."))


class WardOfProvince:
    """The ward chosen lies in the province chosen (nothing to say while either is missing)."""

    def __call__(self, form, field):
        province = form.province_code.data
        if field.data is not None and province is not None and not divisions.ward_in_province(field.data, province):
            raise FieldError(_l("Phường, xã này không thuộc tỉnh, thành phố đã chọn. Vui lòng chọn lại."))


class ProvinceWardForm:
    """For a form with `province_code` and `ward_code` selects: the no-JavaScript button, and both
    selects' choices (the wards of the province chosen, once one is)."""

    choose_province = SubmitField(_l("Chọn phường, xã của tỉnh này"))

    def fill_place_choices(self, no_ward_label) -> None:
        """`no_ward_label`: the ward select's first option once a province is chosen."""
        self.province_code.choices = [("", _l("Chọn tỉnh, thành phố"))] + list(province_choices())
        province = self.province_code.data if divisions.is_province(self.province_code.data or 0) else None
        first = no_ward_label if province else _l("Chọn tỉnh, thành phố trước")
        self.ward_code.choices = [("", first)] + list(ward_choices(province) if province else ())

    def choosing_province(self) -> bool:
        """The no-JavaScript "choose ward" button was pressed: show the wards, save nothing."""
        return self.is_submitted() and bool(self.choose_province.data)
