"""The shopper's pages over the test client: what they show, in both languages,
with the headers and CSRF every HTML page has."""

import json
import re

import pytest

from tests.integration.test_demo_and_cli import load_demo


@pytest.fixture
def demo(runner):
    return load_demo(runner)


def text_of(response) -> str:
    """The page's HTML with the search highlighter's <mark> tags taken out."""
    return re.sub(r"</?mark>", "", response.get_data(as_text=True))


def honey_path(client):
    page = client.get("/tim-kiem?q=mat+ong+hoa+ban").get_data(as_text=True)
    return re.search(r'href="(/san-pham/\d+/mat-ong-hoa-ban)"', page).group(1)


def test_home_page_offers_search_regions_groups_and_shelves(client, demo):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'role="search"' in html and 'name="q"' in html
    assert html.count("/tim-kiem?region=") == 6 and html.count("/tim-kiem?group=") == 6
    assert "Sản phẩm OCOP 5 sao" in html and "Sản phẩm mới" in html
    assert "/san-pham/" in html


def test_search_without_diacritics_finds_the_honey_with_facets_and_highlight(client, demo):
    html = client.get("/tim-kiem?q=mat+ong").get_data(as_text=True)
    assert "<mark>Mật</mark> <mark>ong</mark> hoa ban" in html  # the matched words are highlighted
    assert 'name="province"' in html and 'name="stars"' in html and 'name="group"' in html
    assert re.search(r"Điện Biên <span class=\"count\">\(\d+\)</span>", html)


def test_search_results_are_listed_for_search_engines_as_an_item_list(client, demo):
    html = client.get("/tim-kiem?q=mat+ong").get_data(as_text=True)
    found = re.search(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S)

    items = json.loads(found.group(1))["itemListElement"]
    assert items[0]["name"] == "Mật ong hoa ban" and items[0]["position"] == 1
    assert items[0]["url"].startswith("http") and "/san-pham/" in items[0]["url"]


def test_search_filters_are_kept_in_the_url_and_narrow_the_results(client, demo):
    everything = client.get("/tim-kiem?q=mat+ong").get_data(as_text=True)
    dien_bien = re.search(r'name="province" value="(\d+)"[^>]*>\s*<label[^>]*>Điện Biên', everything).group(1)
    html = text_of(client.get(f"/tim-kiem?q=mat+ong&province={dien_bien}&stars=4"))
    assert "Mật ong hoa ban" in html
    assert re.search(rf'value="{dien_bien}"\s+checked', html)
    assert re.search(r'name="stars" value="4"\s+checked', html)


def test_a_mistyped_filter_is_dropped_not_an_error(client, demo):
    response = client.get("/tim-kiem?q=mat+ong&stars=9&page=abc")
    assert response.status_code == 200
    assert "Mật ong hoa ban" in text_of(response)


def test_no_results_page_suggests_what_to_try(client, demo):
    html = client.get("/tim-kiem?q=zzzzqqq").get_data(as_text=True)
    assert "Không tìm thấy sản phẩm phù hợp." in html and "mat ong" in html


def test_product_page_shows_certificate_variants_points_and_json_ld(client, demo):
    response = client.get(honey_path(client))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Mật ong hoa ban</h1>" in html
    assert "1352/QĐ-UBND" in html and "Cấp tỉnh" in html and "Đã xác minh" in html
    assert "26/08/2024" in html  # dd/mm/yyyy in Vietnamese
    assert re.search(r"\d{1,3}(\.\d{3})+ ₫", html)  # "320.000 ₫"
    block = re.search(r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', html, re.S)
    assert block, "the page carries schema.org JSON-LD"
    data = json.loads(block.group(2))
    assert data["@type"] == "Product" and data["name"] == "Mật ong hoa ban"
    assert data["offers"] and data["offers"][0]["priceCurrency"] == "VND"
    assert f"'nonce-{block.group(1)}'" in response.headers["Content-Security-Policy"]


def test_product_page_redirects_a_wrong_slug_to_its_one_address(client, demo):
    path = honey_path(client)
    product_id = path.split("/")[2]
    response = client.get(f"/san-pham/{product_id}/wrong")
    assert response.status_code == 301 and response.headers["Location"].endswith(path)


def test_producer_storefront_lists_its_products(client, demo):
    html = client.get("/nha-san-xuat/htx-ong-mat-dien-bien").get_data(as_text=True)
    assert "Hợp tác xã Ong mật Điện Biên" in html and "Hợp tác xã" in html and "Mật ong hoa ban" in html


def test_english_from_accept_language(client, demo):
    html = client.get(honey_path(client), headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Verified" in html and "Decision number" in html and "Provincial" in html
    assert "26 Aug 2024" in html


def test_vietnamese_when_the_browser_asks_for_neither(client, demo):
    html = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="vi">' in html


def test_the_switcher_is_remembered_over_accept_language(client, demo):
    home = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)
    response = client.post("/ngon-ngu", data={"locale": "en", "next": "/tim-kiem?q=mat+ong", "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/tim-kiem?q=mat+ong")
    html = client.get("/", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "New products" in html


def test_the_switcher_never_redirects_off_site(client, demo):
    home = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/ngon-ngu", data={"locale": "en", "next": target, "csrf_token": token})
        assert response.headers["Location"] in ("/", "http://localhost/")


def test_a_post_form_without_its_csrf_token_is_refused(client, demo):
    response = client.post("/ngon-ngu", data={"locale": "en", "next": "/"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert '<html lang="en">' not in client.get("/").get_data(as_text=True)


def test_the_json_api_needs_no_csrf_token(client):
    response = client.post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": "x"})
    assert response.status_code in (401, 422)
    assert response.get_json()["code"] != "bad_request"


@pytest.mark.parametrize("path", ["/", "/tim-kiem?q=mat", "/khong-co-trang-nay"])
def test_every_html_page_has_the_security_headers(client, demo, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_scripts_but_the_nonced_json_ld(client, demo):
    for path in ("/", "/tim-kiem?q=mat+ong", honey_path(client)):
        html = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "nonce=" in tag or "src=" in tag, tag
        assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"


def test_unknown_page_is_a_404_page_in_each_language(client):
    vi = client.get("/khong-co-trang-nay")
    assert vi.status_code == 404 and "Không tìm thấy trang" in vi.get_data(as_text=True)
    en = client.get("/khong-co-trang-nay", headers={"Accept-Language": "en"})
    assert en.status_code == 404 and "Page not found" in en.get_data(as_text=True)


def test_an_unknown_product_is_a_404_page(client):
    response = client.get("/san-pham/999999/x")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_the_api_keeps_its_json_errors(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


def test_a_crash_on_a_page_is_a_500_page_in_each_language(app, client, monkeypatch):
    from marketplace.storefront import pages

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pages, "catalogue_page", broken)
    response = client.get("/")
    assert response.status_code == 500 and "Đã có lỗi" in response.get_data(as_text=True)
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 500 and "Something went wrong" in response.get_data(as_text=True)


def test_our_static_files_are_served_and_nothing_beside_them(client):
    css = client.get("/static/site.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert client.get("/static/search.js").mimetype in ("text/javascript", "application/javascript")
    for path in ("/static/../web/i18n.py", "/static/%2e%2e/web/i18n.py", "/static/..%2fweb%2fi18n.py"):
        assert client.get(path).status_code == 404, path
