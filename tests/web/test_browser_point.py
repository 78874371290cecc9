"""The demo operator in a real Chromium at 360 px: finds the points they operate from the
header and opens one; a producer sees their goods at every point in the portal. Every page is checked with axe-core and for sideways scrolling, and
photographed."""

import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.catalog.models import Product, Variant
from marketplace.extensions import db
from marketplace.showrooms import till, transfers
from marketplace.showrooms.models import DisplayPoint, SalePayment
from marketplace.showrooms.movements import OutLine

from tests.web.browser_support import checker, log_in, phone_page

check = checker("point-")


def test_the_operator_opens_their_points_and_a_points_home(browser, storefront, output_path):
    with phone_page(browser, storefront) as page:
        log_in(page, "/dang-nhap", "operator@demo.ocop.vn")
        page.get_by_role("navigation", name="Tài khoản").get_by_role("link", name="Điểm bán").click()
        expect(page.get_by_role("heading", name="Điểm bán của bạn")).to_be_visible()
        check(page, output_path, "mine")
        page.get_by_role("link", name="Điểm giới thiệu và bán sản phẩm OCOP tỉnh Điện Biên").click()
        expect(page.get_by_role("heading", name="Hôm nay")).to_be_visible()
        expect(page.get_by_text("Tiền mặt cần bàn giao")).to_be_visible()
        check(page, output_path, "home")


def test_a_producer_sees_their_goods_at_every_point(browser, storefront, _app, output_path):
    """HTX Tài Hoan's miến dong is on the Điện Biên centre's shelf (the demo's first delivery): a sale
    there and a transfer to the airport kiosk show on the portal's display-point pages."""
    with _app.app_context():
        centre, kiosk = db.session.scalars(sa.select(DisplayPoint).order_by(DisplayPoint.id).limit(2)).all()
        noodles = db.session.scalar(sa.select(Variant).join(Product).where(Product.slug == "mien-dong-tai-hoan"))
        till.sell(centre.id, None, till.Sale((till.SaleLine(noodles.id, 2),), SalePayment.CASH), "browser-portal-1")
        transfers.transfer_out(centre.id, None, kiosk.id, [OutLine(noodles.id, 3)])
        db.session.remove()
    with phone_page(browser, storefront) as page:
        log_in(page, "/dang-nhap?next=/kenh-nguoi-ban", "taihoan@demo.ocop.vn")
        page.get_by_role("navigation", name="Kênh người bán").get_by_role("link", name="Điểm bán").click()
        expect(page.get_by_role("heading", name="Hàng của bạn tại các điểm bán")).to_be_visible()
        expect(page.locator(".point-summaries")).to_contain_text("35 đơn vị, 1 quy cách")
        expect(page.locator(".point-summaries")).to_contain_text("3 đơn vị đang chuyển đến")
        check(page, output_path, "portal-stock")
        for link, name, seen in [("Đã bán", "portal-sales", "TH-2610"), ("Trả lại", "portal-returns", "Không có hàng"),
                                 ("Đang chuyển giữa các điểm", "portal-in-transit", "Quầy OCOP Cảng hàng không")]:
            page.get_by_role("navigation", name="Điểm bán").get_by_role("link", name=link).click()
            expect(page.locator("main")).to_contain_text(seen)
            check(page, output_path, name)
