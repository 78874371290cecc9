"""Bank transfers that confirm themselves: money arriving in the platform's
account, recorded once per bank transaction, paying its order on an exact
match and otherwise waiting in the admin's queue. Sits above orders (it pays
them through orders.payment_outcomes and orders.late_payment).

Use cases, and the module of each:
- intake.py: record an incoming transfer (the bank's notification, a statement row), once
- matching.py: the rules: the reference in a description, why a transfer waits, what to suggest
- statement.py: import a bank statement (CSV, XLSX) through the same intake
- resolution.py: an admin confirms (recording the difference), refunds, reserves again, or dismisses
- queries.py: the queue and one transfer, with its likely order
- signature.py: the access rule of the notification endpoint (HMAC-SHA256 of the body)
- routes.py: POST /api/v1/bank/incoming-transfers; pages.py: the back office's pages
"""
