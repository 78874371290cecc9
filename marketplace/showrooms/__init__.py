"""Display points (điểm giới thiệu và bán sản phẩm OCOP): consignment stock in
lots, every movement of it, the till, and what each role reads about them.

Use cases, each one transaction, and their modules:

- ``services.py``    admins: open, edit and close a point (``create_point``, ``update_point``), assign and
  withdraw operators, agree consignments; an operator's low-stock threshold
- ``operations.py``  the back office: ``receive`` a producer's delivery, ``return_to_producer``, ``adjust``
  (counts, damage, expiry, loss), ``hand_over_cash``
- ``till.py``        ``sell``: a sale at the till (``Sale`` of ``SaleLine``), with its Idempotency-Key
- ``transfers.py``   ``transfer_out`` to another point, ``receive_transfer`` there; what the two points read of
  their transfers
- ``queries.py``     reads: public points and where to buy a product, an operator's stock, near-expiry
  lots, movements, the day's takings; a producer's stock, sales and transit; sales reports

Shared by the use cases:

- ``movements.py``     the point a movement needs (``point_open_for_movement``, ``point_even_if_closed``),
  the variants and consignments it names, taking units out (``take`` of ``OutLine``: first-expiring first)
- ``stock_ledger.py``  the balances (PointStock, Lot) kept in step with every movement, locked in one
  order, never negative; FEFO allocation (money is ``marketplace.payouts.ledger``)
- ``models.py``        the tables and the named errors the use cases raise
- ``lots.py``, ``counts.py``  the lots a back-room page shows; a guided count's sheet and differences (its
  scope rule), which ``adjust`` writes

API views (thin): ``routes.py`` (public), ``operator.py`` (operators), ``portal.py`` (producers),
``admin.py`` (admins); ``transfer_qr.py`` adds the till's VietQR for a sale paid by bank transfer to
``operator.py``'s blueprint. ``access.py`` is the POINT_OPERATOR rule. Admin pages: ``admin_pages.py``
(/quan-tri/diem-ban, forms in ``admin_forms.py``; one read for a point's page: ``services.point_overview``).

Operator pages (/diem-ban, POINT_OPERATOR on every page of a point): ``point_pages.py`` (your points, a
point's home, the layout's globals), ``till_pages.py`` (the till, a JS app in static/till*.js over the JSON
API; receipts and the end of day, read by ``receipts.py``; the handover form and the till's labels in
``till_forms.py``), ``backroom_pages.py``
(receiving, stock, movement history; forms in ``backroom_forms.py``, what it reads in ``backroom.py``: the
item a scan adds to a delivery, the stock list searched without diacritics, a page of history, a receiving
note), ``transfer_pages.py`` (transfers) and ``count_pages.py`` (counts, write-offs) on one blueprint, their
forms in ``transfer_forms.py`` and ``count_forms.py``; ``shelf.py`` is
what they look up (an item by barcode or by name, recent items). Producers: ``portal_pages.py``
(/kenh-nguoi-ban/<producer>/diem-ban).
"""
