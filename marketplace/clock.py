"""Time: stored in UTC, and "today" is the date in Vietnam."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def today_vn() -> date:
    return datetime.now(timezone.utc).astimezone(VIETNAM_TZ).date()


def vietnam_date(moment: datetime) -> date:
    """The date in Vietnam at a moment (an aware datetime, e.g. utcnow())."""
    return moment.astimezone(VIETNAM_TZ).date()
