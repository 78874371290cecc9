"""The web layer the HTML pages build on: shopper, producer, admin and display point.

- i18n.py      Flask-Babel (vi default, en), the locale choice, catalogues compiled at start-up,
               money and date filters for templates
- security.py  CSRF on every HTML POST (Flask-WTF) and the security headers with a per-request
               script nonce for the Content-Security-Policy
- errors.py    HTML error pages (404, 500, ...) outside /api/, the JSON error shape inside it
- labels.py    translated labels for the domain's codes (groups, regions, legal types, ...)
- pages.py     the blueprint for our static files and the language switcher

Pages live beside each domain's routes.py as pages.py, their templates under templates/<domain>/.
"""

from flask import Flask

from marketplace.web import errors, i18n, labels, pages, security


def init_app(app: Flask) -> None:
    i18n.init_app(app)
    labels.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.blp)
