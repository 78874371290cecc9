"""What producers earn and how they are paid: a double-entry money ledger,
earnings, payout runs on two rails (bank transfer, Stripe Connect), settlement
and statements.

Use cases and their modules:

- ``earnings.py``     ledger entries for what a sale, cash on delivery, a till sale, a cash handover or a
  refund earns or takes back (event subscribers, inside the causing transaction); ``release_due`` makes
  earnings available once delivery plus the holding period has passed
- ``runs.py``         ``run_payouts``: pay every producer whose available balance reached the minimum
- ``connect_rail.py`` the Stripe Connect rail: ``send_connect_transfer``, ``reconcile_payout`` and
  ``reconcile_connect_payouts`` (look payouts whose outcome was unknown up at Stripe before sending again)
- ``settlement.py``   ``mark_paid``, ``mark_failed``: settle a payout in transit (the bank rail, or Stripe)
- ``services.py``     a producer's bank account; payout and run look-ups
- ``reports.py``      reads of the ledger: statements (page, CSV), a run's bank file, commission revenue
- ``withholding.py``  the tax withheld for household businesses (Decree 117/2025/NĐ-CP): ``withhold`` when a
  sale is recognised, ``give_back`` its share with a refund (called by earnings.py, in the same transaction)
- ``tax_report.py``   ``monthly_withholding``: the month's tax withheld per producer, as CSV and XLSX
- ``commission.py``   commission rates: the default, per product group, per producer

Shared by the use cases:

- ``ledger.py``          the money ledger: ``post`` balanced entries, balances derived from them
  (display-point stock is ``marketplace.showrooms.stock_ledger``)
- ``stripe_connect.py``  the Stripe Connect transfers API adapter (what a call's outcome means)
- ``models.py``          the tables and the named errors the use cases raise

API views (thin): ``portal.py`` (producers), ``admin.py`` (admins, incl. the withholding report and rates);
``cli.py`` is ``flask payouts``.
"""
