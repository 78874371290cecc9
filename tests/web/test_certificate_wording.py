"""The product page says plainly when a certificate awaits verification or has
expired, and claims no stars then (catalog/schemas.py certificate_view)."""

from datetime import date, timedelta

from tests.factories import ProductFactory


def page(client, product, lang="vi"):
    response = client.get(f"/san-pham/{product.id}/{product.slug}", headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_verified_certificate_in_force_shows_its_stars_and_the_verified_mark(client):
    html = page(client, ProductFactory(ocop_stars=4))
    assert "★★★★" in html and "Đã xác minh" in html


def test_a_certificate_awaiting_verification_says_so_and_shows_no_stars(client):
    product = ProductFactory(ocop_stars=5, ocop_verified_at=None)
    html = page(client, product)
    assert "đang chờ cơ quan OCOP xác minh" in html
    assert "★" not in html and "Đã xác minh" not in html
    assert "awaits verification by the OCOP office" in page(client, product, "en")


def test_an_expired_certificate_says_when_it_expired_and_shows_no_stars(client):
    issued = date.today() - timedelta(days=1200)
    product = ProductFactory(ocop_stars=4, ocop_issued_on=issued, ocop_valid_until=issued + timedelta(days=1095))
    html = page(client, product)
    assert f"đã hết hạn ngày {(issued + timedelta(days=1095)).strftime('%d/%m/%Y')}" in html
    assert "★" not in html and "Đã xác minh" not in html
    assert "expired on" in page(client, product, "en")
