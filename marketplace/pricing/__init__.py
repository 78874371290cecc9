"""Pricing: what the platform takes from each sale. Below showrooms, payments, orders and payouts,
which all read it; it imports only core modules, producers and catalog.

Use cases (module):
- the rate in force for a producer's product group, for many lines at once: ``rates_bps`` (commission.py), or
  as a SQL expression for a query that reads the lines anyway: ``rate_in_force``
- the commission on an amount, whole đồng, rounded half up: ``commission_vnd`` (commission.py)
- list, set and remove the group and producer rates (the admin API in payouts/admin.py calls these):
  ``list_rates``, ``set_rate`` (commission.py)

- the rates of the tax withheld for household businesses (Decree 117/2025/NĐ-CP), dated: ``rate_on``, ``rates``,
  ``set_rate`` and ``remove_rate`` (only for a day to come), who it is withheld for: ``withholds_for``
  (withholding_rates.py); payouts/withholding.py posts it to the ledger

Admin pages over those (h10): ``admin_pages.py`` (/quan-tri/cai-dat/hoa-hong), forms in ``forms.py``;
``withholding_pages.py`` (/quan-tri/cai-dat/thue-khau-tru), forms in ``withholding_forms.py``.

Models: CommissionRate, WithholdingRate (models.py).
"""
