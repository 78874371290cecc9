"""Payments: money only. Below orders; imports nothing of them (see README, Architecture).

Use cases, and the module of each:
- services.py: open_payment (or its payment_row), ensure_card_intent, cancel_intent_quietly, apply_intent (publishes
  payment.succeeded / payment.cancelled), record_refund, push_refund, apply_charge_refunded
  (publishes payment.refunded_at_provider)
- webhooks.py: handle a Stripe webhook: verify, record once, dispatch
- options.py: checkout_options (card only while Stripe is configured)
- gateway.py: the only code that calls Stripe
- models.py: Payment and its transitions (mark_paid, fail, cancel, apply_intent_status,
  receive_transfer), Refund, StripeEvent, RejectedStripeEvent
"""
