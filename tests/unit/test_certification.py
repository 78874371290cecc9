from datetime import date

import pytest

from marketplace.catalog.certification import Certificate, IssuingLevel, add_months
from marketplace.errors import InvalidInput

TODAY = date(2026, 11, 22)


def issue(**overrides):
    fields = dict(stars=3, decision_number="123/QĐ-UBND", issuing_level=IssuingLevel.PROVINCIAL,
                  issued_on=date(2025, 3, 18), today=TODAY)
    return Certificate.issue(**{**fields, **overrides})


def certificate_errors(**overrides):
    with pytest.raises(InvalidInput) as refused:
        issue(**overrides)
    return refused.value.errors["json"]["certification"]


@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 3, 18), 36, date(2028, 3, 18)),
    (date(2025, 11, 30), 3, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),
    (date(2025, 1, 15), 0, date(2025, 1, 15)),
])
def test_add_months_keeps_the_day_or_clamps_to_the_months_end(day, months, expected):
    assert add_months(day, months) == expected


def test_add_months_from_29_february_lands_on_28_february_in_a_common_year():
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)


def test_add_months_from_29_february_keeps_it_in_the_next_leap_year():
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)


def test_a_certificate_runs_36_months_unless_told_otherwise():
    certificate = issue(issued_on=date(2025, 3, 18))

    assert certificate.valid_until == date(2028, 3, 18)


def test_a_given_end_date_is_kept():
    certificate = issue(issued_on=date(2025, 3, 18), valid_until=date(2027, 1, 1))

    assert certificate.valid_until == date(2027, 1, 1)


@pytest.mark.parametrize("stars, level", [
    (3, IssuingLevel.PROVINCIAL), (4, IssuingLevel.PROVINCIAL), (5, IssuingLevel.CENTRAL),
])
def test_each_star_rating_is_accepted_from_the_level_that_awards_it(stars, level):
    assert issue(stars=stars, issuing_level=level).stars == stars


@pytest.mark.parametrize("stars", [0, 1, 2, 6])
def test_stars_outside_three_to_five_are_refused(stars):
    assert "stars" in certificate_errors(stars=stars)


def test_five_stars_cannot_come_from_a_province():
    assert "issuing_level" in certificate_errors(stars=5, issuing_level=IssuingLevel.PROVINCIAL)


@pytest.mark.parametrize("stars", [3, 4])
def test_three_or_four_stars_cannot_come_from_the_central_council(stars):
    assert "issuing_level" in certificate_errors(stars=stars, issuing_level=IssuingLevel.CENTRAL)


def test_a_decision_dated_in_the_future_is_refused():
    assert "issued_on" in certificate_errors(issued_on=date(2026, 11, 23))


def test_a_decision_dated_today_is_accepted():
    assert issue(issued_on=TODAY).issued_on == TODAY


@pytest.mark.parametrize("valid_until", [date(2025, 3, 18), date(2025, 3, 17)])
def test_an_end_date_on_or_before_the_decision_date_is_refused(valid_until):
    assert "valid_until" in certificate_errors(issued_on=date(2025, 3, 18), valid_until=valid_until)


def test_every_broken_rule_is_reported_at_once():
    errors = certificate_errors(stars=7, issued_on=date(2027, 1, 1), valid_until=date(2026, 1, 1))

    assert set(errors) == {"stars", "issued_on", "valid_until"}


@pytest.mark.parametrize("day, valid", [
    (date(2025, 3, 17), False),
    (date(2025, 3, 18), True),
    (date(2028, 3, 18), True),
    (date(2028, 3, 19), False),
])
def test_a_certificate_is_valid_from_its_decision_date_to_its_end_date_inclusive(day, valid):
    certificate = issue(issued_on=date(2025, 3, 18))

    assert certificate.is_valid_on(day) is valid
