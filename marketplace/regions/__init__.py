"""Vietnam's 34 provinces and 3,321 communes and wards (since 1 July 2025), and the
six socio-economic regions, from the `vietnam-provinces` package.

Use cases and their modules:
- ``services.py``   sync the reference tables (``flask regions sync``), list provinces, regions, wards
- ``divisions.py``  in-memory look-ups for hot paths: a province's region, names, ward → province
- ``routes.py``     the API under /api/v1/regions
"""
