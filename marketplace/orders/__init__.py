"""Orders: carts, checkout, each producer's part and its lifecycle. Sits above
payments (it calls them) and below payouts (which listen to its events).

Use cases, and the module of each:
- cart.py: view the cart, set or remove a line, empty it
- addresses.py: saved shipping addresses
- placement.py: place_order (checkout and open its payment, the card's intent included),
  open_card_payment (POST /orders/{id}/payment-intent)
- checkout.py: checkout, the order written from the cart in one transaction (stock, idempotency)
- fulfilment.py: a producer packs, ships, delivers (cash on delivery), cancels; a shopper cancels
  or confirms receipt; expire_reservations; order_of / any_order / sub_order_of
- payment_outcomes.py: confirm_bank_transfer (accept_transfer, also for marketplace.banking), and what a payment's outcome does to the order
  (subscribers to payment.succeeded, payment.cancelled, payment.refunded_at_provider)
- refunds.py: an admin refunds a part, or allocates a refund made in Stripe
- late_payment.py: a transfer that came after its order expired: reserve the stock again and accept it
- queries.py: order lists for shoppers, producers and admins
- transfer_qr.py: an order's VietQR while a bank transfer is awaited (payload_of, for_shopper);
  transfer_qr_routes.py serves it as SVG and PNG (the payload itself is built by marketplace/vietqr.py)
"""
