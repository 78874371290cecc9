"""OCOP Marketplace: the application factory."""

import importlib
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from marketplace import database
from marketplace.api import RowIdConverter
from marketplace.errors import register_error_handlers
from marketplace.extensions import api, db, login_manager, migrate
from marketplace import storage, web
from search import service as search_service


def create_app(config_class=None) -> Flask:
    from config import Config

    # No static folder: the API serves JSON, and Swagger UI's assets come from docs.py.
    app = Flask(__name__, instance_relative_config=False, static_folder=None)
    app.config.from_object(config_class or Config)
    if app.config["ENV_NAME"] == "production" and not os.environ.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in production.")
    app.json.ensure_ascii = False  # Vietnamese stays readable in responses
    app.json.sort_keys = False
    app.url_map.converters["int"] = RowIdConverter
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(os.path.dirname(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]) or ".",
                    exist_ok=True)

    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), os.pardir, "migrations"))
    login_manager.init_app(app)
    api.init_app(app)
    register_error_handlers(app)
    web.init_app(app)  # after the API's error handlers: it wraps them for HTML pages
    storage.init_app(app)  # product photos at /anh/<photo>

    _import_models()
    for module in app.config.get("JOBS_IMPORT", ()):
        importlib.import_module(module)
    from marketplace.jobs import mail_jobs
    mail_jobs.init()
    search_service.init_app(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


# Every module that defines tables or listens to events, so the metadata (and
# Alembic) sees every table and every subscriber is registered.
MODEL_MODULES = (
    "marketplace.accounts.models", "marketplace.accounts.auth",  # auth registers Flask-Login's loaders
    "marketplace.regions.models", "marketplace.producers.models", "marketplace.catalog.models",
    "marketplace.catalog.job_models",
    "marketplace.pricing.models", "marketplace.payments.models", "marketplace.orders.models",
    "marketplace.payouts.models", "marketplace.audit.models", "marketplace.banking.models",
    "marketplace.orders.payment_outcomes",  # subscribes the order to its payment's outcomes (webhooks)
    "marketplace.payouts.earnings",  # subscribes the ledger to order and till events
    "marketplace.showrooms.models", "marketplace.traceability.models", "search.models",
    "marketplace.mail.models", "marketplace.mail.services",  # services delivers queued mail after commit
    "marketplace.jobs.models", "marketplace.jobs.queue",  # failed jobs; hands jobs on after commit
    "marketplace.notifications.models", "marketplace.notifications.triggers", "marketplace.notifications.reminders",
    "marketplace.notifications.stock",
    # Job registrations (marketplace/jobs): each domain names its own.
    "marketplace.jobs.mail_jobs", "marketplace.orders.jobs", "marketplace.payouts.jobs", "search.jobs",
    "marketplace.catalog.photo_jobs", "marketplace.catalog.import_jobs",
)


def _import_models():
    for module in MODEL_MODULES:
        importlib.import_module(module)


def _register_blueprints(app: Flask) -> None:
    from marketplace.accounts.roles import register_role_provider
    from marketplace.accounts.routes import blp as auth_blp
    from marketplace.catalog import admin as catalog_admin, portal as catalog_portal, routes as catalog_routes
    from marketplace.docs import assets_blueprint
    from marketplace.health import blp as health_blp
    from marketplace.orders import admin as orders_admin, portal as orders_portal, routes as orders_routes
    from marketplace.orders import transfer_qr_routes  # noqa: F401  adds the VietQR images to orders_routes.blp
    from marketplace.orders.order_pages import blp as order_pages
    from marketplace.orders.pages import blp as cart_pages
    from marketplace.payments.routes import blp as payments_blp, checkout_blp
    from marketplace.payouts import admin as payouts_admin, portal as payouts_portal
    from marketplace.producers import admin as producers_admin, portal as producers_portal
    from marketplace.producers.services import memberships_for_roles
    from marketplace.showrooms.queries import operator_points_for_roles
    from marketplace.regions.routes import blp as regions_blp
    from marketplace.showrooms import (admin as points_admin, operator as points_operator,
                                       portal as points_portal, routes as points_routes)
    from marketplace.showrooms import transfer_qr as point_transfer_qr  # noqa: F401  adds to points_operator.blp
    from marketplace.accounts.pages import blp as account_pages
    from marketplace.orders.address_pages import blp as address_pages
    from marketplace.storefront.pages import blp as storefront_pages
    from marketplace.backoffice.pages import blp as backoffice_pages
    # These add their pages to backoffice_pages:
    from marketplace.backoffice import job_pages, report_pages, settings_pages, tax_report_pages  # noqa: F401
    from marketplace.pricing.admin_pages import blp as admin_pricing_pages
    from marketplace.pricing.withholding_pages import blp as admin_withholding_pages
    from marketplace.showrooms.admin_pages import blp as admin_point_pages
    from marketplace.showrooms.point_pages import blp as point_pages
    from marketplace.showrooms import (backroom_pages, portal_pages as portal_point_pages, till_pages,
                                       transfer_pages)
    from marketplace.portal.pages import blp as portal_pages
    from marketplace.traceability import pages as trace_pages, stamp_pages
    from marketplace.audit.pages import blp as audit_pages
    from marketplace.audit.routes import blp as audit_blp
    from marketplace.banking import pages as banking_pages, routes as banking_routes
    from marketplace.catalog.admin_pages import blp as admin_catalog_pages
    from marketplace.orders.admin_pages import blp as admin_order_pages
    from marketplace.payouts.admin_pages import blp as admin_payout_pages
    from marketplace.producers.admin_pages import blp as admin_producer_pages
    from marketplace.catalog.portal_pages import blp as catalog_portal_pages
    from marketplace.catalog import portal_media_pages  # noqa: F401  adds the photo pages to catalog_portal_pages
    from marketplace.orders.portal_pages import blp as portal_order_pages
    from marketplace.producers.portal_pages import blp as portal_member_pages
    from marketplace.payouts.portal_pages import blp as portal_money_pages
    from marketplace.notifications.pages import blp as notification_pages
    from search.pages import blp as search_pages
    from search.routes import blp as search_blp

    for blueprint in (auth_blp, regions_blp, catalog_routes.blp, producers_portal.blp, catalog_portal.blp,
                      producers_admin.blp, catalog_admin.blp, search_blp, orders_routes.blp, orders_portal.blp,
                      orders_admin.blp, payments_blp, checkout_blp, payouts_portal.blp, payouts_admin.blp,
                      points_routes.blp, points_operator.blp, points_portal.blp, points_admin.blp, audit_blp, health_blp,
                      banking_routes.blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(assets_blueprint)
    for pages in (storefront_pages, search_pages, order_pages, cart_pages, account_pages, address_pages,
                  backoffice_pages, portal_pages, admin_pricing_pages, admin_withholding_pages, admin_point_pages,
                  audit_pages,
                  admin_producer_pages, admin_catalog_pages, admin_order_pages, admin_payout_pages,
                  catalog_portal_pages, portal_order_pages, portal_member_pages,
                  portal_money_pages, notification_pages, point_pages, till_pages.blp, backroom_pages.blp,
                  transfer_pages.blp, portal_point_pages.blp, banking_pages.blp, trace_pages.blp,
                  stamp_pages.blp):  # HTML pages over the same use cases
        app.register_blueprint(pages)
    register_role_provider("producers", memberships_for_roles)
    register_role_provider("display_points", operator_points_for_roles)


def _register_cli(app: Flask) -> None:
    from marketplace.accounts.cli import users_cli
    from marketplace.bench_cli import bench_cli
    from marketplace.demo.cli import demo_cli
    from marketplace.jobs.cli import jobs_cli
    from marketplace.mail.cli import mail_cli
    from marketplace.orders.cli import orders_cli
    from marketplace.payouts.cli import payouts_cli
    from marketplace.regions.cli import regions_cli
    from search.cli import search_cli

    for group in (users_cli, regions_cli, demo_cli, search_cli, bench_cli, orders_cli, payouts_cli, mail_cli,
                  jobs_cli):
        app.cli.add_command(group)
