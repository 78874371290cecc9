"""OCOP certification rules. Pure functions and values: no database."""

import calendar
import enum
from dataclasses import dataclass
from datetime import date

from marketplace.errors import N_, InvalidInput

CERTIFICATE_MONTHS = 36


class InvalidCertificate(InvalidInput):
    message = N_("The OCOP certificate is invalid.")  # code: validation_error, with the field errors

    def __init__(self, errors: dict):
        super().__init__(errors={"certification": errors})


class IssuingLevel(enum.StrEnum):
    PROVINCIAL = "provincial"  # 3★ and 4★ are rated by the province
    CENTRAL = "central"        # 5★ is rated nationally


class OtherCertification(enum.StrEnum):
    VIETGAP = "vietgap"
    ORGANIC = "organic"
    GACP_WHO = "gacp_who"
    HACCP = "haccp"
    ISO_22000 = "iso_22000"
    GEOGRAPHICAL_INDICATION = "geographical_indication"


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the month's end (29 Feb → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Certificate:
    """An OCOP certificate: a decision (quyết định) with a number and a date."""

    stars: int
    decision_number: str
    issuing_level: IssuingLevel
    issued_on: date
    valid_until: date

    @classmethod
    def issue(cls, stars: int, decision_number: str, issuing_level: IssuingLevel,
              issued_on: date, valid_until: date | None = None, today: date | None = None) -> "Certificate":
        """Build a certificate, enforcing the programme's rules.

        Raises InvalidInput: stars outside 3..5, a level that cannot award
        those stars, a date in the future, or an end date not after the start.
        """
        errors = {}
        if stars not in (3, 4, 5):
            errors["stars"] = [N_("OCOP stars are 3, 4 or 5.")]
        elif (stars == 5) != (issuing_level is IssuingLevel.CENTRAL):
            errors["issuing_level"] = [N_("5★ is awarded centrally; 3★ and 4★ by the province.")]
        if today and issued_on > today:
            errors["issued_on"] = [N_("The decision date cannot be in the future.")]
        valid_until = valid_until or add_months(issued_on, CERTIFICATE_MONTHS)
        if valid_until <= issued_on:
            errors["valid_until"] = [N_("Must be after the decision date.")]
        if errors:
            raise InvalidCertificate(errors)
        return cls(stars, decision_number, issuing_level, issued_on, valid_until)

    def is_valid_on(self, day: date) -> bool:
        return self.issued_on <= day <= self.valid_until
