"""Traceability stamps (tem truy xuất nguồn gốc): GS1 Digital Link URLs on our own host,
the public trace page they open, the stamp sheets producers print, and anonymous scan counts.

Use cases and their modules:
- ``links.py``       the Digital Link paths (/01/<GTIN-14>[/10/<lot>][?17=YYMMDD]), GTIN-14 with its
                     check digit, AI 10 lot codes and AI 17 dates
- ``trace.py``       the trace page of a product or a lot (the product, producer, certificates, every
                     display point that received the lot, the expiry), counting the scan
- ``scans.py``       the anonymous counter per (variant, lot, day) and a producer's most scanned stamps
- ``stamping.py``    which variants and lots a producer can print stamps for; printing a sheet (PDF)
- ``stamps.py``      the PDF itself: label sheet layouts, QR codes (segno) drawn with reportlab
- ``models.py``      TraceScan and StampedLot
- ``pages.py``       the public trace page; ``stamp_pages.py`` the portal's stamp pages (forms in
                     ``stamp_forms.py``)

Above catalog and showrooms (it reads products, producers and lots); the portal's dashboard reads
the scan counts from here.
"""
