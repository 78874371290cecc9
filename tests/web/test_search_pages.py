"""The search page's price range, "available in person" control and no-results help."""

import re

import pytest

from marketplace.regions import divisions
from tests.integration.test_demo_and_cli import load_demo
from tests.web.test_pages import text_of

HA_NOI = int(divisions.province_by_codename("ha_noi").code)


@pytest.fixture
def demo(runner):
    return load_demo(runner)


def prices_on(html: str) -> list[int]:
    return [int(p.replace(".", "")) for p in re.findall(r"(\d{1,3}(?:\.\d{3})+) ₫", html)]


def test_without_a_price_the_price_range_starts_folded(client, demo):
    html = client.get("/tim-kiem?q=mat+ong").get_data(as_text=True)
    assert '<details class="facet" >\n    <summary>Giá</summary>' in html
    assert "Bỏ lọc" not in html


def test_the_page_offers_a_price_range_and_keeps_it(client, demo):
    html = client.get("/tim-kiem?price_min=100.000&price_max=300000").get_data(as_text=True)
    assert '<label for="price_min">' in html and '<label for="price_max">' in html
    assert 'name="price_min" autocomplete="off" size="10"\n               value="100000"' in html
    assert 'value="300000"' in html


def test_a_price_range_narrows_the_results(client, demo):
    everything = text_of(client.get("/tim-kiem?per_page=100"))
    cheap = text_of(client.get("/tim-kiem?price_max=100000"))
    total = int(re.search(r'class="result-count" role="status">(\d+)', everything).group(1))
    narrowed = int(re.search(r'class="result-count" role="status">(\d+)', cheap).group(1))
    assert 0 < narrowed < total


def test_a_price_that_is_not_a_number_is_shown_beside_the_field_and_in_a_summary(client, demo):
    response = client.get("/tim-kiem?q=mat+ong&price_min=re+lam")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="error-summary"' in html and 'href="#price_min"' in html
    assert 'id="price_min-error">Nhập số tiền bằng đồng, ví dụ 150000.</p>' in html
    assert 'value="re lam"' in html and 'aria-invalid="true"' in html
    assert "Mật ong hoa ban" in text_of(response)  # the rest of the search still runs


def test_a_maximum_below_the_minimum_says_so(client, demo):
    html = client.get("/tim-kiem?price_min=300000&price_max=100000").get_data(as_text=True)
    assert "Giá đến phải lớn hơn hoặc bằng giá từ." in html


def test_the_available_in_person_control_lists_provinces_with_counts(client, demo):
    html = client.get("/tim-kiem").get_data(as_text=True)
    select = re.search(r'<select id="available_in_province" name="available_in_province">(.*?)</select>', html, re.S)
    assert select, "the control is on the page"
    options = re.findall(r'<option value="(\d+)"\s*>([^<]+) \((\d+)\)</option>', select.group(1))
    assert options and all(int(count) > 0 for _value, _name, count in options)
    value, name, count = options[0]
    narrowed = client.get(f"/tim-kiem?available_in_province={value}").get_data(as_text=True)
    assert re.search(r'class="result-count" role="status">(\d+)', narrowed).group(1) == count
    assert re.search(rf'<option value="{value}" selected>{re.escape(name)} \({count}\)', narrowed)


def test_the_api_offers_the_same_facet(client, demo):
    facets = client.get("/api/v1/catalog/search").json["facets"]
    assert facets["available_in"] and all(f["count"] > 0 and f["label"] for f in facets["available_in"])


def test_no_results_suggests_dropping_a_filter_with_its_count(client, demo):
    html = client.get("/tim-kiem?q=mat+ong&group=handicrafts").get_data(as_text=True)
    assert "Không tìm thấy sản phẩm phù hợp." in html
    link = re.search(r'<a href="([^"]+)">Bỏ lọc “Nhóm sản phẩm”</a>\s*<span class="count">\((\d+) sản phẩm\)', html)
    assert link and "group=" not in link.group(1) and "q=mat+ong" in link.group(1)
    found = text_of(client.get(link.group(1).replace("&amp;", "&")))
    assert f'role="status">{link.group(2)} sản phẩm' in found


def test_no_results_suggests_each_word_alone_and_popular_groups(client, demo):
    html = client.get("/tim-kiem?q=mat+zzzqqq").get_data(as_text=True)
    assert re.search(r'>Chỉ tìm “mat”</a>\s*<span class="count">\(\d+ sản phẩm\)', html)
    assert "Chỉ tìm “zzzqqq”" not in html  # a word that finds nothing is not offered
    assert "Nhóm có nhiều đặc sản nhất" in html
    assert len(re.findall(r'<li><a href="/tim-kiem\?group=\w+">', html)) == 3


def test_the_new_controls_are_in_english_too(client, demo):
    with client.session_transaction() as session:
        session["locale"] = "en"
    html = client.get("/tim-kiem").get_data(as_text=True)
    assert "From (₫)" in html and "Buy in person at a display point in" in html and "Any province" in html
    empty = client.get("/tim-kiem?q=mat+ong&group=handicrafts").get_data(as_text=True)
    assert "Remove the “Product group” filter" in empty and "Groups with the most specialties" in empty
