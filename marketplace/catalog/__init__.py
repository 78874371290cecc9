"""The catalogue: products, their variants (packs with a price and online stock)
and their OCOP certificates.

Use cases and their modules:
- ``services.py``       a producer's products: create, edit, publish, unpublish, archive; variants,
                        prices and stock; admins verify certificates (the queue is oldest first)
- ``browsing.py``       what shoppers see: storefronts, a storefront's products, the product page
- ``certification.py``  the OCOP certificate's rules (stars and issuing level, 36 months)
- ``models.py``         Product and Variant, with their rules (publishing, stars shown only once verified)
- ``media.py``          photos (checked in the request, kept as pending) and the decision document;
                        ``images.py`` checks and renders; ``photo_jobs.py`` the job ``media.product_renditions``
- ``product_import.py`` the import's dry run and its rows; ``import_jobs.py`` confirming it and the job
                        ``catalog.apply_import``; ``product_export.py`` the CSV/XLSX export
- ``job_models.py``     PendingImage and ProductImport: the work handed to those jobs
- ``routes.py``, ``portal.py``, ``admin.py``  the public, producer and admin APIs; ``*_pages.py`` the web pages
"""
