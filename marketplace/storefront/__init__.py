"""The shopper's web pages that bring several domains together (HTML only; the
JSON API for the same use cases is in each domain's routes.py).

- pages.py  the home page (search box, regions, groups, 5★ and new products),
            the product page (certificate, variants, where to buy in person, JSON-LD)
            and a producer's storefront

It sits above search and showrooms, whose read use cases it calls, and below demo.
"""
