import pytest

from marketplace.money import format_vnd


@pytest.mark.parametrize("amount, shown", [
    (150_000, "150.000 ₫"),
    (0, "0 ₫"),
    (999, "999 ₫"),
    (1_000, "1.000 ₫"),
    (1_000_000_000, "1.000.000.000 ₫"),
])
def test_format_vnd_groups_thousands_with_dots(amount, shown):
    assert format_vnd(amount) == shown


def test_format_vnd_puts_the_minus_sign_before_the_digits():
    assert format_vnd(-150_000) == "-150.000 ₫"
