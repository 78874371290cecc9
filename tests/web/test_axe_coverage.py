"""Every page of the producer portal, the back office and the display points is opened by a browser test that
checks it with axe-core and at 360 px. BROWSER_CHECKED names the test for each page (an
endpoint, as the app routes it); a new page fails here until a browser test opens it and
is named below. Files the portal and back office hand out (CSV, XLSX, the decision
document) are no pages: they are listed as DOWNLOADS."""

import importlib

from tests.api.v1.operations import collection_app

PORTAL_AND_BACK_OFFICE = ("/kenh-nguoi-ban", "/quan-tri", "/diem-ban")

PORTAL = "test_browser_portal.py::test_every_other_portal_page_is_accessible_at_360"
PORTAL_HOME = ("test_browser_portal.py::test_the_portal_home_lists_the_producers_of_someone_acting_for_several_"
               "and_tells_a_shopper_it_has_none")
PORTAL_COD = "test_browser_portal.py::test_the_owner_fulfils_a_cod_part_and_sees_the_balance_move"
PRODUCTS = ("test_browser_portal_products.py::"
            "test_the_owner_creates_a_product_with_two_photos_and_a_decision_and_publishes_it")
IMPORT = "test_browser_portal_products.py::test_a_csv_import_with_one_bad_row_is_refused_by_line_then_fixed_and_accepted"
PRODUCER_DAY = "test_browser_producer_day.py::test_a_producers_day"
ADMIN_DAY = "test_browser_backoffice.py::test_an_admins_day"
REPORTS = "test_browser_admin_reports.py::test_the_admin_sees_each_report_as_a_chart_and_a_table"
SETTINGS = "test_browser_admin_reports.py::test_the_admin_changes_a_commission_rate"
POINTS = "test_browser_admin_reports.py::test_the_display_point_settings_pages_pass_axe"
OPERATOR_HOME = "test_browser_point.py::test_the_operator_opens_their_points_and_a_points_home"
PORTAL_POINTS = "test_browser_point.py::test_a_producer_sees_their_goods_at_every_point"
BANK = "test_browser_bank_transfers.py::test_the_admin_decides_on_incoming_transfers_and_imports_a_statement"
TRANSFERS = "test_browser_transfers.py::test_the_centre_sends_coffee_by_scan_and_the_kiosk_receives_it_one_short"
STAMPS = "test_browser_trace.py::test_a_producer_prints_a_lots_stamps_and_a_scan_opens_the_lots_trace_page"
RECEIVING = "test_browser_backroom.py::test_the_operator_receives_a_delivery_by_scanning_and_reads_its_receiving_note"
STOCK = "test_browser_backroom.py::test_the_operator_searches_the_stock_and_changes_a_threshold"
EXPIRY_AND_HISTORY = "test_browser_backroom.py::test_the_operator_looks_at_near_expiry_lots_and_the_history_of_receipts"
TAX_REPORT = "test_browser_tax.py::test_the_admin_reads_the_months_tax_withheld_per_producer"
TAX_RATES = "test_browser_tax.py::test_the_admin_sets_a_withholding_rate_to_come"
TILL = "test_browser_till.py::test_a_sale_from_scan_to_receipt"
DAY = "test_browser_till.py::test_the_end_of_day_hands_over_the_counted_cash"

BROWSER_CHECKED = {
    "portal.home": PORTAL_HOME,
    "portal.dashboard": PRODUCER_DAY,
    "portal_order_pages.inbox": PRODUCER_DAY,
    "portal_order_pages.detail": PRODUCER_DAY,
    "portal_order_pages.packing_slip": PORTAL_COD,
    "catalog_portal_pages.products": PRODUCTS,
    "catalog_portal_pages.create": PRODUCER_DAY,
    "catalog_portal_pages.edit": PRODUCER_DAY,
    "catalog_portal_pages.add_variant": PRODUCER_DAY,
    "catalog_portal_pages.edit_variant": PORTAL,
    "catalog_portal_pages.import_products": IMPORT,
    "portal_member_pages.members": PORTAL,
    "portal_money_pages.statement": PRODUCER_DAY,
    "portal_money_pages.payouts": PORTAL,
    "portal_money_pages.bank_account": PORTAL,
    "portal_money_pages.edit_bank_account": PORTAL,
    "backoffice.home": ADMIN_DAY,
    "backoffice.reports": ADMIN_DAY,
    "backoffice.revenue": REPORTS,
    "backoffice.sales": REPORTS,
    "backoffice.settings": SETTINGS,
    "backoffice.tax_withholding": TAX_REPORT,
    "admin_withholding_pages.rates": TAX_RATES,
    "admin_pricing_pages.rates": SETTINGS,
    "admin_producer_pages.review": ADMIN_DAY,
    "admin_catalog_pages.queue": PRODUCER_DAY,
    "admin_catalog_pages.review": PRODUCER_DAY,
    "admin_order_pages.transfers": ADMIN_DAY,
    "admin_order_pages.confirm_transfer": ADMIN_DAY,
    "admin_order_pages.search": ADMIN_DAY,
    "admin_order_pages.detail": ADMIN_DAY,
    "admin_order_pages.refund": ADMIN_DAY,
    "admin_payout_pages.batches": ADMIN_DAY,
    "admin_payout_pages.batch": ADMIN_DAY,
    "admin_payout_pages.payout": ADMIN_DAY,
    "audit_pages.log": ADMIN_DAY,
    "backoffice.failed_jobs": "test_browser_failed_jobs.py::test_the_admin_finds_the_failed_jobs_and_runs_one_again",
    "admin_point_pages.points": POINTS,
    "admin_point_pages.point": POINTS,
    "admin_point_pages.edit": POINTS,
    "admin_point_pages.create": POINTS,
    "point_pages.mine": OPERATOR_HOME,
    "point_pages.home": OPERATOR_HOME,
    "portal_point_pages.stock": PORTAL_POINTS,
    "portal_point_pages.sales": PORTAL_POINTS,
    "portal_point_pages.returns": PORTAL_POINTS,
    "portal_point_pages.in_transit": PORTAL_POINTS,
    "admin_bank_pages.queue": BANK,
    "admin_bank_pages.transfer": BANK,
    "admin_bank_pages.import_statement": BANK,
    "point_transfer_pages.transfers": TRANSFERS,
    "point_transfer_pages.send": TRANSFERS,
    "point_transfer_pages.transfer": TRANSFERS,
    "point_transfer_pages.receive_transfer": TRANSFERS,
    "point_transfer_pages.count": "test_browser_transfers.py::test_a_guided_count_shows_the_difference_before_it_is_confirmed",
    "point_transfer_pages.write_off": "test_browser_transfers.py::test_a_damaged_pack_is_written_off",
    "trace_portal_pages.variants": STAMPS,
    "trace_portal_pages.sheet": STAMPS,
    "point_backroom_pages.receive": RECEIVING,
    "point_backroom_pages.receiving_note": RECEIVING,
    "point_backroom_pages.stock": STOCK,
    "point_backroom_pages.near_expiry": EXPIRY_AND_HISTORY,
    "point_backroom_pages.movements": EXPIRY_AND_HISTORY,
    "point_till_pages.till": TILL,
    "point_till_pages.receipt": TILL,
    "point_till_pages.day": DAY,
}
DOWNLOADS = {
    "catalog_portal_pages.export", "catalog_portal_pages.certificate_document", "portal_money_pages.statement_csv",
    "admin_payout_pages.bank_file", "backoffice.revenue_csv", "backoffice.sales_csv",
    "backoffice.tax_withholding_file",
}


def _pages() -> set[str]:
    return {rule.endpoint for rule in collection_app().url_map.iter_rules()
            if "GET" in rule.methods and rule.rule.startswith(PORTAL_AND_BACK_OFFICE)}


def test_every_portal_and_back_office_page_is_opened_by_a_browser_test():
    pages = _pages() - DOWNLOADS
    assert not pages - set(BROWSER_CHECKED), (
        f"no browser test checks these pages with axe-core at 360 px: {sorted(pages - set(BROWSER_CHECKED))}")
    assert not set(BROWSER_CHECKED) - pages, f"no longer pages: {sorted(set(BROWSER_CHECKED) - pages)}"


def test_each_named_browser_test_exists():
    for where in set(BROWSER_CHECKED.values()):
        module, name = where.split("::")
        assert callable(getattr(importlib.import_module(f"tests.web.{module[:-3]}"), name, None)), where
