"""Demo photos drawn with Pillow at `demo load`, served at /anh/<photo>, and shown
as a gallery on the product page and on product cards (lazy, with srcset)."""

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.storage.serving import images_dir, sized, srcset
from tests.integration.test_demo_and_cli import load_demo
from tests.web.test_pages import honey_path


@pytest.fixture
def demo(runner):
    return load_demo(runner)


def img_tags(html: str) -> list[str]:
    return re.findall(r"<img\b[^>]*>", html, re.S)


def attr(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def test_demo_load_gives_every_product_two_or_three_photos_in_two_widths(app, demo):
    products = db.session.scalars(sa.select(Product)).all()
    assert products
    for product in products:
        assert 2 <= len(product.image_urls) <= 3, product.name
        for url in product.image_urls:
            assert re.fullmatch(r"/anh/[a-z0-9-]+-\d-640\.webp", url)
            for width in (320, 640):
                assert (images_dir() / sized(url, width).rsplit("/", 1)[1]).stat().st_size > 1000


def test_loading_the_demo_again_keeps_the_photos_it_drew(app, runner, demo):
    photo = images_dir() / db.session.scalars(sa.select(Product)).first().image_urls[0].rsplit("/", 1)[1]
    before = photo.stat().st_mtime_ns
    load_demo(runner)
    assert photo.stat().st_mtime_ns == before


def test_a_photo_is_served_as_webp_with_a_long_cache(client, app, demo):
    url = db.session.scalars(sa.select(Product)).first().image_urls[0]
    for width, height in ((640, 480), (320, 240)):
        response = client.get(sized(url, width))
        assert response.status_code == 200 and response.mimetype == "image/webp"
        assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
        assert Image.open(io.BytesIO(response.data)).size == (width, height)


@pytest.mark.parametrize("path", ["/anh/khong-co-1-640.webp", "/anh/..%2Fconfig.py", "/anh/a-1-999.webp",
                                  "/anh/A-1-640.webp"])
def test_anything_but_a_photo_we_drew_is_not_found(client, app, path):
    assert client.get(path).status_code == 404


def test_srcset_offers_both_widths_of_our_photos_and_leaves_others_alone():
    assert srcset("/anh/a-b-1-640.webp") == "/anh/a-b-1-320.webp 320w, /anh/a-b-1-640.webp 640w"
    assert srcset("https://example.com/x.jpg") == "https://example.com/x.jpg"
    assert sized("/anh/a-b-1-640.webp", 320) == "/anh/a-b-1-320.webp"


def test_the_product_page_has_a_gallery_that_works_without_javascript(client, demo):
    html = client.get(honey_path(client)).get_data(as_text=True)
    gallery = re.search(r'<div class="gallery">(.*?)</ul>', html, re.S).group(1)
    photos = img_tags(re.search(r'<div class="gallery-track"[^>]*>(.*?)</div>', gallery, re.S).group(1))
    assert 2 <= len(photos) <= 3
    assert all(attr(tag, "alt") == "Mật ong hoa ban" for tag in photos)
    assert attr(photos[0], "loading") is None and all(attr(tag, "loading") == "lazy" for tag in photos[1:])
    for tag in img_tags(gallery):
        assert attr(tag, "width") and attr(tag, "height") and attr(tag, "sizes") and attr(tag, "alt") is not None
        assert re.fullmatch(r"/anh/\S+-320\.webp 320w, /anh/\S+-640\.webp 640w", attr(tag, "srcset"))
    for index in range(1, len(photos) + 1):  # each thumbnail links to its photo's anchor
        assert f'id="anh-{index}"' in gallery and f'href="#anh-{index}"' in gallery


def test_product_cards_show_the_photo_lazily_after_the_first(client, demo):
    html = client.get("/tim-kiem?q=mat+ong").get_data(as_text=True)
    cards = [tag for tag in img_tags(html) if 'class="card-image' in tag]
    assert len(cards) >= 2
    assert attr(cards[0], "loading") is None and all(attr(tag, "loading") == "lazy" for tag in cards[1:])
    assert attr(cards[0], "alt") == "Mật ong hoa ban"
    assert all(attr(tag, "width") == "320" and attr(tag, "height") == "240" and "640w" in attr(tag, "srcset")
               for tag in cards)


def test_the_structured_data_names_the_photos(client, demo):
    html = client.get(honey_path(client)).get_data(as_text=True)
    assert re.search(r'"image": \["http://localhost/anh/[a-z0-9-]+-1-640\.webp"', html)


def test_photos_are_not_written_into_the_repository(app):
    assert Path(app.instance_path) not in images_dir().parents
