"""The report pages' filter: a period and a date range, sent by GET (nothing is written, so no CSRF)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, MonthField, SelectField
from wtforms.validators import AnyOf, Optional
from wtforms.validators import ValidationError as FieldError

from marketplace.backoffice import reports
from marketplace.clock import today_vn
from marketplace.backoffice.reports import DateRange
from marketplace.web.labels import choices

PERIOD_LABELS = {"day": _l("Theo ngày"), "week": _l("Theo tuần"), "month": _l("Theo tháng")}


class _Date(DateField):
    """A date typed or picked as YYYY-MM-DD, with our own message when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Ngày không hợp lệ. Ví dụ: 2026-12-31.")) from None


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    period = SelectField(_l("Gộp theo"), choices=choices(PERIOD_LABELS), default="day", validate_choice=False,
                         validators=[AnyOf(reports.PERIODS, message=_l("Vui lòng chọn theo ngày, tuần hoặc tháng."))])
    since = _Date(_l("Từ ngày"), validators=[Optional()])
    until = _Date(_l("Đến ngày"), validators=[Optional()])

    def __init__(self, args, with_period=True):
        # A GET form: Flask-WTF reads only POST bodies by itself.
        super().__init__(formdata=args or None)
        if not with_period:
            del self.period

    def validate_until(self, field):
        if self.since.errors:
            return
        span = self._span()
        if span.since > span.until:
            raise FieldError(_l("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        if reports.bucket_count(self._period(), span) > reports.MAX_BUCKETS:
            raise FieldError(_l("Khoảng thời gian quá dài: tối đa %(count)d cột. Hãy gộp theo tuần hoặc tháng.",
                                count=reports.MAX_BUCKETS))

    def _period(self) -> str:
        return self.period.data if "period" in self and self.period.data in reports.PERIODS else "day"

    def _span(self) -> DateRange:
        default = reports.default_range(self._period())
        return DateRange(self.since.data or default.since, self.until.data or default.until)

    def chosen(self) -> tuple[str, DateRange] | None:
        """(period, range) when the filter is valid, else None (the page shows the errors)."""
        if not self.validate():
            return None
        return self._period(), self._span()


class _Month(MonthField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Tháng không hợp lệ. Ví dụ: 2026-01.")) from None
        if self.data and not 2000 <= self.data.year <= 2999:  # month_bounds needs the next month
            self.data = None
            raise ValueError(_l("Tháng không hợp lệ. Ví dụ: 2026-01."))


class TaxMonthForm(FlaskForm):
    """The withholding report's month, sent by GET (empty: this month, Vietnam time)."""

    class Meta:
        csrf = False

    thang = _Month(_l("Tháng"), validators=[Optional()])

    def __init__(self, args):
        super().__init__(formdata=args or None)

    def chosen(self) -> date | None:
        """The month's first day when valid, else None (the page shows the error)."""
        if not self.validate():
            return None
        self.thang.data = (self.thang.data or today_vn()).replace(day=1)  # shown in the field
        return self.thang.data
