"""What a shopper can choose at checkout right now: the payment methods on
offer (card only while Stripe is configured), the account to transfer to, how
long stock is held for each, and the shipping fees."""

from flask import current_app

from marketplace.payments.models import PaymentMethod
from marketplace.payments import gateway


def checkout_options() -> dict:
    config = current_app.config
    methods = [
        {"method": PaymentMethod.COD, "reservation": None},
        {"method": PaymentMethod.BANK_TRANSFER, "bank": config["PLATFORM_BANK"],
         "reservation": {"hours": config["BANK_TRANSFER_RESERVATION_HOURS"]}},
    ]
    if gateway.card_payments_enabled():
        methods.append({"method": PaymentMethod.CARD, "publishable_key": config["STRIPE_PUBLISHABLE_KEY"],
                        "reservation": {"minutes": config["CARD_RESERVATION_MINUTES"]}})
    fees = config["SHIPPING_FEES_VND"]
    return {"payment_methods": methods, "shipping": {
        "same_province_vnd": fees["same_province"], "same_region_vnd": fees["same_region"],
        "other_region_vnd": fees["other_region"], "free_from_vnd": config["FREE_SHIPPING_FROM_VND"] or None}}


def platform_bank() -> dict:
    """The account shoppers transfer to: bank_name, bank_bin, account_number, account_name."""
    return dict(current_app.config["PLATFORM_BANK"])
