"""A producer's storefront page: its certificates and the display points that
stock its products (showrooms.queries.points_stocking_producer)."""

import re

import pytest
import sqlalchemy as sa

from marketplace.catalog.models import ProductStatus
from marketplace.extensions import db
from marketplace.showrooms.models import PointStatus, PointStock
from marketplace.showrooms.queries import points_stocking_producer
from tests.factories import ProducerFactory, ProductFactory
from tests.integration.test_demo_and_cli import load_demo
from tests.point_factories import DisplayPointFactory, consign, receive


@pytest.fixture
def demo(runner):
    return load_demo(runner)


def shelve(point, product, quantity=3):
    consign(point, product.producer)
    receive(point, product.variants[0], quantity)


def test_points_stocking_a_producer_count_its_products_there_and_what_is_on_the_shelf(app):
    producer = ProducerFactory()
    honey, tea = ProductFactory(producer=producer), ProductFactory(producer=producer)
    market, airport = DisplayPointFactory(name="B Chợ"), DisplayPointFactory(name="A Sân bay")
    closed, elsewhere = DisplayPointFactory(), DisplayPointFactory()
    shelve(market, honey)
    receive(market, tea.variants[0], 2)
    shelve(airport, honey)
    shelve(closed, honey)
    closed.status = PointStatus.CLOSED
    shelve(elsewhere, ProductFactory())  # another producer's product
    db.session.execute(sa.update(PointStock).where(PointStock.point_id == airport.id).values(on_hand=0)
                       .execution_options(changed_products={honey.id}))  # as if sold out there
    db.session.commit()

    rows = points_stocking_producer(producer.id)

    assert [(r["point"].name, r["products"], r["on_shelf"], r["in_stock"]) for r in rows] == [
        ("A Sân bay", 1, 0, False), ("B Chợ", 2, 2, True)]


def test_a_product_taken_off_sale_no_longer_counts_at_a_point(app):
    honey = ProductFactory()
    point = DisplayPointFactory()
    shelve(point, honey)
    honey.status = ProductStatus.ARCHIVED
    db.session.commit()

    assert points_stocking_producer(honey.producer_id) == []


def test_the_storefront_lists_certificates_with_decision_level_and_validity(client, demo):
    html = client.get("/nha-san-xuat/htx-ong-mat-dien-bien").get_data(as_text=True)
    section = re.search(r'<section class="certificates".*?</section>', html, re.S).group(0)
    assert "Mật ong hoa ban" in section and "1352/QĐ-UBND" in section
    assert "Cấp tỉnh" in section and "Đã xác minh" in section and "★★★★" in section
    assert re.search(r"hiệu lực đến \d{2}/\d{2}/\d{4}", section)


def test_the_storefront_lists_the_display_points_that_stock_its_products(client, demo):
    html = client.get("/nha-san-xuat/htx-tai-hoan").get_data(as_text=True)  # the demo's centre stocks its noodles
    section = re.search(r'<h2 id="points-title">.*?</section>', html, re.S).group(0)
    assert section.count("<li>") == 1
    assert "Điểm giới thiệu và bán sản phẩm OCOP tỉnh Điện Biên" in section
    assert "Bày 1 sản phẩm của nhà sản xuất" in section and "1 sản phẩm đang có hàng" in section
    assert "Chưa có điểm bán nào" not in section


def test_the_storefront_says_so_when_no_point_stocks_it(client, app):
    producer = ProducerFactory()
    ProductFactory(producer=producer)
    db.session.commit()
    html = client.get(f"/nha-san-xuat/{producer.slug}").get_data(as_text=True)
    assert "Chưa có điểm bán nào bày sản phẩm của nhà sản xuất này." in html
    assert "123/QĐ-UBND" in html


def test_the_storefront_is_in_english_too(client, demo):
    with client.session_transaction() as session:
        session["locale"] = "en"
    html = client.get("/nha-san-xuat/htx-ong-mat-dien-bien").get_data(as_text=True)
    assert "Certificates" in html and "Decision 1352/QĐ-UBND · Provincial" in html
    assert "Buy in person" in html
    stocked = client.get("/nha-san-xuat/htx-tai-hoan").get_data(as_text=True)
    assert "Carries 1 of the producer\'s products" in stocked and "1 product in stock" in stocked


def test_other_certifications_show_as_badges_on_the_product_and_its_storefront(client, app):
    producer = ProducerFactory()
    certified = ProductFactory(producer=producer, certifications=["vietgap", "organic"])
    plain = ProductFactory()

    for path in (f"/san-pham/{certified.id}/{certified.slug}", f"/nha-san-xuat/{producer.slug}"):
        html = client.get(path).get_data(as_text=True)
        assert "Chứng nhận khác:" in html, path
        assert sorted(re.findall(r'<span class="badge">([^<]+)</span>', html)) == ["Hữu cơ", "VietGAP"], path
    assert "Chứng nhận khác:" not in client.get(f"/san-pham/{plain.id}/{plain.slug}").get_data(as_text=True)


def test_a_storefront_with_many_products_pages_through_them_in_the_sort_chosen(client, app):
    producer = ProducerFactory()
    for _ in range(21):  # a page holds 20
        ProductFactory(producer=producer)

    first = client.get(f"/nha-san-xuat/{producer.slug}?sort=newest").get_data(as_text=True)
    second = client.get(f"/nha-san-xuat/{producer.slug}?sort=newest&page=2").get_data(as_text=True)

    assert "Trang 1 / 2" in first and 'rel="next" href="?sort=newest&amp;page=2"' in first and 'rel="prev"' not in first
    assert "Trang 2 / 2" in second and 'rel="prev" href="?sort=newest&amp;page=1"' in second and 'rel="next"' not in second
