"""The demo: real OCOP producers and products from the seed articles (../shared/seeds),
three display points, and an account for every role.

Use cases and their modules:
- ``loader.py``  ``flask demo load``: idempotent, safe to run again
- ``data.py``    the producers, products, certificates and accounts
- ``points.py``  the display points, their consignments and stock
- ``images.py``  the products' photos, drawn with Pillow (2 or 3 each, in two widths)
- ``cli.py``     the command
"""
