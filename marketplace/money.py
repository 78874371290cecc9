"""Money is integer đồng. VND has no minor unit (Stripe treats it as zero-decimal)."""

MAX_PRICE_VND = 1_000_000_000  # one billion đồng: far above any OCOP retail price


def format_vnd(amount: int) -> str:
    """150000 → "150.000 ₫" (Vietnamese thousands separator)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + " ₫"
