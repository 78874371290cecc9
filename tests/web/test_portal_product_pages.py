"""The producer portal's product pages over the test client: list and filters, create,
edit, publish/unpublish/archive, variants, photos, the decision document, import and
export; and the refusals (another producer's product, CSRF, bad input, fake images)."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from PIL import Image

from marketplace.catalog.models import Product, ProductStatus, Variant
from marketplace.extensions import db
from marketplace.producers.models import MemberRole
from marketplace.storage.serving import images_dir
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, PASSWORD, ProducerFactory, ProductFactory, UserFactory, member_of
from tests.web.test_account_pages import csrf_of, html, log_in

VALID_GTIN = "8934567890120"  # check digit 0


@pytest.fixture
def producer(app):
    return ProducerFactory()


@pytest.fixture
def owner(client, producer):
    user = member_of(producer, email="chu@example.vn")
    assert log_in(client, email="chu@example.vn").status_code == 303
    return user


def base(producer) -> str:
    return f"/kenh-nguoi-ban/{producer.id}/san-pham"


def draft(producer, **fields):
    return ProductFactory(producer=producer, status=ProductStatus.DRAFT, published_at=None, variant=None, **fields)


def post(client, path, data=None, form_path=None, **kwargs):
    return client.post(path, data={"csrf_token": csrf_of(client, form_path or path), **(data or {})}, **kwargs)


def jpeg_bytes(size=(1600, 1200), exif=True, colour=(180, 90, 20)) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0131] = "SecretCam 1.0"  # Software
        image.save(out, "JPEG", exif=data.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def reload(product) -> Product:
    db.session.expire_all()
    return db.session.get(Product, product.id)


def stored_files(app) -> set[str]:
    root = images_dir().parent
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


PRODUCT = {"name": "Mật ong bạc hà", "group": "food", "description": "Mật ong nguyên chất",
           "origin_province_code": str(DIEN_BIEN), "origin_ward_code": "", "shelf_life_days": "730"}
CERTIFICATE = {"stars": "4", "decision_number": "1234/QĐ-UBND", "issuing_level": "provincial",
               "issued_on": (date.today() - timedelta(days=30)).isoformat()}


# --- access -----------------------------------------------------------------------------

def test_an_anonymous_visitor_is_sent_to_log_in(client, producer):
    response = client.get(base(producer))
    assert response.status_code in (302, 303) and "/dang-nhap" in response.location


def test_another_producers_product_is_not_found(client, owner, producer):
    theirs = draft(ProducerFactory())
    assert client.get(f"{base(producer)}/{theirs.id}").status_code == 404
    assert client.get(f"/kenh-nguoi-ban/{theirs.producer_id}/san-pham").status_code == 404
    response = post(client, f"{base(producer)}/{theirs.id}/dang-ban", form_path=base(producer))
    assert response.status_code == 404


def test_staff_manage_products_as_the_api_allows(client, producer):
    member_of(producer, role=MemberRole.STAFF, email="kho@example.vn")
    log_in(client, email="kho@example.vn")
    response = post(client, f"{base(producer)}/them", {**PRODUCT})
    assert response.status_code == 303


def test_a_post_without_the_csrf_token_is_refused(client, owner, producer):
    product = draft(producer)
    response = client.post(f"{base(producer)}/{product.id}/luu-tru")
    assert response.status_code == 400
    assert reload(product).status is ProductStatus.DRAFT


# --- list ----------------------------------------------------------------------------------

def test_the_list_filters_by_status_and_searches_by_name(client, owner, producer):
    ProductFactory(producer=producer, name="Trà shan tuyết")
    draft(producer, name="Mật ong rừng")
    page = html(client.get(base(producer)))
    assert "Trà shan tuyết" in page and "Mật ong rừng" in page
    page = html(client.get(base(producer) + "?trang_thai=draft"))
    assert "Mật ong rừng" in page and "Trà shan tuyết" not in page
    page = html(client.get(base(producer) + "?q=shan"))
    assert "Trà shan tuyết" in page and "Mật ong rừng" not in page


# --- create, edit, status -------------------------------------------------------------------

def test_creating_a_product_with_a_certificate_makes_a_draft(client, owner, producer):
    response = post(client, f"{base(producer)}/them", {**PRODUCT, **CERTIFICATE, "certifications": ["vietgap"]})
    assert response.status_code == 303
    product = db.session.scalar(sa.select(Product).where(Product.name == "Mật ong bạc hà"))
    assert product.status is ProductStatus.DRAFT and product.ocop_stars == 4 and product.certifications == ["vietgap"]
    assert product.ocop_verified_at is None
    assert response.location.endswith(f"/san-pham/{product.id}")


def test_bad_input_comes_back_with_errors_beside_fields_and_values_kept(client, owner, producer):
    response = post(client, f"{base(producer)}/them", {**PRODUCT, "name": "", "shelf_life_days": "abc",
                                                        "decision_number": "99/QĐ"})
    assert response.status_code == 422
    page = html(response)
    assert 'class="error-summary"' in page and page.count('class="field-error"') >= 3
    assert 'value="99/QĐ"' in page and "Mật ong nguyên chất" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == 0


def test_the_certificate_rules_of_the_domain_show_beside_their_fields(client, owner, producer):
    response = post(client, f"{base(producer)}/them", {**PRODUCT, **CERTIFICATE, "stars": "5"})
    assert response.status_code == 422
    assert re.search(r'field-error[^>]*>5★ is awarded centrally|field-error[^>]*>5★ do trung ương', html(response)) \
        or "trung ương" in html(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == 0


def test_editing_keeps_what_was_not_changed(client, owner, producer):
    product = draft(producer, name="Mật ong cũ")
    page = html(client.get(f"{base(producer)}/{product.id}"))
    assert 'value="Mật ong cũ"' in page
    response = post(client, f"{base(producer)}/{product.id}", {**PRODUCT, **CERTIFICATE, "name": "Mật ong mới"})
    assert response.status_code == 303
    assert reload(product).name == "Mật ong mới"


def test_publishing_needs_a_variant_and_says_so(client, owner, producer):
    product = draft(producer)
    response = post(client, f"{base(producer)}/{product.id}/dang-ban", form_path=f"{base(producer)}/{product.id}")
    assert response.status_code == 303 and reload(product).status is ProductStatus.DRAFT
    page = html(client.get(response.location))
    assert "quy cách" in page.lower() or "variant" in page.lower()


def test_publish_unpublish_archive(client, owner, producer):
    product = ProductFactory(producer=producer, status=ProductStatus.DRAFT, published_at=None)
    page = f"{base(producer)}/{product.id}"
    post(client, f"{page}/dang-ban", form_path=page)
    assert reload(product).status is ProductStatus.ACTIVE
    post(client, f"{page}/ngung-ban", form_path=page)
    assert reload(product).status is ProductStatus.DRAFT
    post(client, f"{page}/luu-tru", form_path=page)
    assert reload(product).status is ProductStatus.ARCHIVED


# --- variants ----------------------------------------------------------------------------

VARIANT = {"label": "Hũ 500 g", "net_quantity": "500", "net_unit": "g", "price_vnd": "320.000",
           "gtin": VALID_GTIN, "stock_quantity": "12", "is_active": "y"}


def test_a_variant_takes_a_price_in_dong_a_gtin_and_stock(client, owner, producer):
    product = draft(producer)
    response = post(client, f"{base(producer)}/{product.id}/quy-cach/them", VARIANT)
    assert response.status_code == 303
    variant = reload(product).variants[0]
    assert (variant.price_vnd, variant.gtin, variant.stock_quantity) == (320_000, VALID_GTIN, 12)
    page = html(client.get(f"{base(producer)}/{product.id}"))
    assert "320.000 ₫" in page
    response = post(client, f"{base(producer)}/{product.id}/quy-cach/{variant.id}", {**VARIANT, "stock_quantity": "3"})
    assert response.status_code == 303 and reload(product).variants[0].stock_quantity == 3


@pytest.mark.parametrize("changes, field", [({"gtin": "8934567890121"}, "gtin"), ({"price_vnd": "ba trăm"}, "price_vnd"),
                                            ({"price_vnd": "0"}, "price_vnd"), ({"stock_quantity": "-1"}, "stock_quantity"),
                                            ({"net_quantity": ""}, "net_quantity")])
def test_a_bad_variant_is_refused_beside_its_field(client, owner, producer, changes, field):
    product = draft(producer)
    response = post(client, f"{base(producer)}/{product.id}/quy-cach/them", {**VARIANT, **changes})
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error-1"', html(response))
    assert not reload(product).variants


def test_a_gtin_already_used_is_refused(client, owner, producer):
    ProductFactory(producer=producer, variant__gtin=VALID_GTIN)
    product = draft(producer)
    response = post(client, f"{base(producer)}/{product.id}/quy-cach/them", VARIANT)
    assert response.status_code == 422 and 'id="gtin-error-1"' in html(response)


def test_another_producers_variant_is_not_found(client, owner, producer):
    mine, theirs = draft(producer), ProductFactory()
    assert client.get(f"{base(producer)}/{mine.id}/quy-cach/{theirs.variants[0].id}").status_code == 404


# --- photos ------------------------------------------------------------------------------

def upload(client, producer, product, data: bytes, name="anh.jpg"):
    page = f"{base(producer)}/{product.id}"
    return client.post(f"{page}/anh", data={"csrf_token": csrf_of(client, page), "image": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_an_uploaded_photo_is_reencoded_without_exif_at_three_widths(client, app, owner, producer):
    product = draft(producer)
    assert b"SecretCam" in jpeg_bytes()
    response = upload(client, producer, product, jpeg_bytes())
    assert response.status_code == 303
    urls = reload(product).image_urls
    assert len(urls) == 1 and re.fullmatch(r"/anh/sp\d+-[0-9a-f]+-1280\.webp", urls[0])
    for width in (320, 640, 1280):
        served = client.get(urls[0].replace("-1280.", f"-{width}."))
        assert served.status_code == 200 and served.mimetype == "image/webp"
        image = Image.open(io.BytesIO(served.data))
        assert image.width == width and image.format == "WEBP"
        assert not image.getexif() and b"SecretCam" not in served.data and b"PhoneMaker" not in served.data


@pytest.mark.parametrize("data, name", [(b"GIF89a not really", "anh.jpg"), (b"<?php echo 1; ?>", "anh.png"),
                                        (b"\xff\xd8\xff\xe0 truncated jpeg", "anh.jpg"), (b"", "anh.jpg")])
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(client, app, owner, producer, data, name):
    product = draft(producer)
    before = stored_files(app)
    response = upload(client, producer, product, data, name)
    assert response.status_code == 422
    assert 'id="image-error-1"' in html(response)
    assert reload(product).image_urls == [] and stored_files(app) == before


def test_a_gif_is_refused_even_named_jpg(client, app, owner, producer):
    out = io.BytesIO()
    Image.new("RGB", (400, 300)).save(out, "GIF")
    product = draft(producer)
    response = upload(client, producer, product, out.getvalue())
    assert response.status_code == 422 and "JPEG, PNG" in html(response)
    assert reload(product).image_urls == []


def test_a_decompression_bomb_is_refused(client, app, owner, producer):
    app.config["UPLOAD_IMAGE_MAX_PIXELS"] = 1_000_000
    try:
        out = io.BytesIO()
        Image.new("L", (5000, 5000)).save(out, "PNG")  # tiny file, 25 megapixels
        product = draft(producer)
        response = upload(client, producer, product, out.getvalue(), "bomb.png")
        assert response.status_code == 422 and reload(product).image_urls == []
    finally:
        app.config["UPLOAD_IMAGE_MAX_PIXELS"] = 40_000_000


def test_a_photo_over_the_byte_limit_is_refused(client, app, owner, producer):
    app.config["UPLOAD_IMAGE_MAX_BYTES"] = 10_000
    try:
        product = draft(producer)
        response = upload(client, producer, product, jpeg_bytes(colour=(1, 2, 3)) + b"\0" * 20_000)
        assert response.status_code in (413, 422) and reload(product).image_urls == []
    finally:
        app.config["UPLOAD_IMAGE_MAX_BYTES"] = 8 * 1024 * 1024


def test_photos_are_reordered_and_removed_without_javascript(client, app, owner, producer):
    product = draft(producer)
    for colour in ((255, 0, 0), (0, 0, 255)):
        out = io.BytesIO()
        Image.new("RGB", (700, 500), colour).save(out, "PNG")
        assert upload(client, producer, product, out.getvalue(), "a.png").status_code == 303
    first, second = reload(product).image_urls
    page = f"{base(producer)}/{product.id}"
    assert post(client, f"{page}/anh/1/len", form_path=page).status_code == 303
    assert reload(product).image_urls == [second, first]
    assert post(client, f"{page}/anh/0/xuong", form_path=page).status_code == 303
    assert reload(product).image_urls == [first, second]
    assert post(client, f"{page}/anh/0/xoa", form_path=page).status_code == 303
    assert reload(product).image_urls == [second]
    assert client.get(first).status_code == 404  # its files went with it
    assert post(client, f"{page}/anh/5/xoa", form_path=page).status_code == 404


# --- the decision document ---------------------------------------------------------------

def upload_document(client, producer, product, data, name="quyet-dinh.pdf"):
    page = f"{base(producer)}/{product.id}"
    return client.post(f"{page}/quyet-dinh", data={"csrf_token": csrf_of(client, page),
                                                   "document": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_pdf_decision_is_kept_private_to_members_and_admins(client, app, owner, producer):
    product = ProductFactory(producer=producer)
    assert reload(product).ocop_verified_at is not None
    assert upload_document(client, producer, product, PDF).status_code == 303
    product = reload(product)
    assert product.ocop_document_key.endswith(".pdf") and product.ocop_verified_at is None  # to be checked again
    url = f"{base(producer)}/{product.id}/quyet-dinh"
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    client.post("/dang-xuat", data={"csrf_token": csrf_of(client, base(producer))})
    UserFactory(email="khach@example.vn")
    log_in(client, email="khach@example.vn")
    assert client.get(url).status_code == 404
    UserFactory(email="admin@example.vn", is_admin=True)
    log_in(client, email="admin@example.vn")
    assert client.get(url).status_code == 200


def test_a_photo_of_the_decision_is_accepted_and_a_fake_pdf_refused(client, app, owner, producer):
    product = draft(producer)
    assert upload_document(client, producer, product, jpeg_bytes(), "qd.jpg").status_code == 303
    assert reload(product).ocop_document_key.endswith(".webp")
    before = stored_files(app)
    response = upload_document(client, producer, product, b"this is not a pdf", "qd.pdf")
    assert response.status_code == 422 and 'id="document-error-1"' in html(response)
    assert stored_files(app) == before


# --- import and export -----------------------------------------------------------------------

HEADER = ["ten_san_pham", "nhom", "tinh_xuat_xu", "quy_cach", "khoi_luong_tinh", "don_vi", "gia_vnd", "gtin",
          "ton_kho", "so_sao", "so_quyet_dinh", "cap_cong_nhan", "ngay_quyet_dinh"]


def csv_file(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def good_rows():
    return [["Trà shan tuyết", "beverages", DIEN_BIEN, "Gói 100 g", 100, "g", "150.000", "", 10, 4, "12/QĐ-UBND",
             "provincial", "2025-06-01"],
            ["Trà shan tuyết", "beverages", DIEN_BIEN, "Gói 200 g", 200, "g", "280000", VALID_GTIN, 5, 4,
             "12/QĐ-UBND", "provincial", "2025-06-01"],
            ["Miến dong", "food", DIEN_BIEN, "Gói 500 g", 500, "g", "60000", "", 40, "", "", "", ""]]


def send_import(client, producer, data: bytes, name="san-pham.csv"):
    path = f"{base(producer)}/nhap"
    return client.post(path, data={"csrf_token": csrf_of(client, path), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_import_with_one_bad_row_names_its_line_and_writes_nothing_then_the_fixed_file_goes_in(
        client, app, owner, producer):
    rows = good_rows()
    rows[1][6] = "hai trăm"  # line 3: the price
    response = send_import(client, producer, csv_file(rows))
    assert response.status_code == 422
    table = html(response)
    assert re.search(r"<td>3</td><td>gia_vnd</td>", table)
    assert count(Product) == 0 and count(Variant) == 0
    rows[1][6] = "280000"
    response = send_import(client, producer, csv_file(rows))
    assert response.status_code == 200 and count(Product) == 0  # still a dry run
    token = re.search(r'name="token" value="([0-9a-f]+)"', html(response)).group(1)
    path = f"{base(producer)}/nhap/xac-nhan"
    response = client.post(path, data={"csrf_token": csrf_of(client, f"{base(producer)}/nhap"), "token": token})
    assert response.status_code == 303
    assert count(Product) == 2 and count(Variant) == 3
    tea = db.session.scalar(sa.select(Product).where(Product.name == "Trà shan tuyết"))
    assert tea.status is ProductStatus.DRAFT and tea.ocop_stars == 4 and len(tea.variants) == 2
    again = client.post(path, data={"csrf_token": csrf_of(client, f"{base(producer)}/nhap"), "token": token})
    assert again.status_code == 422 and "tải tệp lên lại" in html(again) and count(Product) == 2  # applied once


def test_an_import_refuses_a_bad_gtin_a_duplicate_gtin_and_an_unknown_product(client, owner, producer):
    theirs = ProductFactory()
    rows = good_rows()
    rows[0][7] = "8934567890121"
    rows[2][7] = VALID_GTIN  # the same as line 3
    data = csv_file(rows).decode().splitlines()
    data[0] = "ma_san_pham," + data[0]
    data = "\n".join([data[0], *("," + line for line in data[1:3]), f"{theirs.id}," + data[3]]).encode()
    page = html(send_import(client, producer, data))
    assert re.search(r"<td>2</td><td>gtin</td>", page)
    assert re.search(r"<td>4</td><td>ma_san_pham</td>", page)
    assert count(Product) == 1


def test_export_as_csv_and_xlsx_round_trips_through_the_import(client, owner, producer):
    product = ProductFactory(producer=producer, name="Mật ong hoa ban", variant__price_vnd=300_000)
    response = client.get(f"{base(producer)}/xuat.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0]["ten_san_pham"] == "Mật ong hoa ban" and rows[0]["gia_vnd"] == "300000"
    sheet = load_workbook(io.BytesIO(client.get(f"{base(producer)}/xuat.xlsx").data)).active
    assert [c.value for c in sheet[1]][:2] == ["ma_san_pham", "ten_san_pham"] and sheet["B2"].value == "Mật ong hoa ban"
    sheet["S2"] = 7  # ton_kho
    out = io.BytesIO()
    sheet.parent.save(out)
    response = send_import(client, producer, out.getvalue(), "san-pham.xlsx")
    assert response.status_code == 200, html(response)
    token = re.search(r'name="token" value="([0-9a-f]+)"', html(response)).group(1)
    client.post(f"{base(producer)}/nhap/xac-nhan", data={"csrf_token": csrf_of(client, f"{base(producer)}/nhap"),
                                                          "token": token})
    product = reload(product)
    assert product.variants[0].stock_quantity == 7 and count(Product) == 1 and product.variants[0].price_vnd == 300_000


def test_a_photo_larger_than_the_usual_request_limit_is_accepted(client, app, owner, producer):
    noise = Image.frombytes("RGB", (1800, 1400), __import__("os").urandom(1800 * 1400 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    assert len(out.getvalue()) > app.config["MAX_CONTENT_LENGTH"]
    product = draft(producer)
    assert upload(client, producer, product, out.getvalue()).status_code == 303
    assert len(reload(product).image_urls) == 1


def test_an_import_may_change_only_the_price_of_a_variant_it_names(client, owner, producer):
    product = ProductFactory(producer=producer, variant__price_vnd=250_000, variant__stock_quantity=20)
    variant = product.variants[0]
    data = f"ma_san_pham,ma_quy_cach,ten_san_pham,quy_cach,gia_vnd\n{product.id},{variant.id},,,270.000\n".encode()
    response = send_import(client, producer, data)
    assert response.status_code == 200, html(response)
    token = re.search(r'name="token" value="([0-9a-f]+)"', html(response)).group(1)
    client.post(f"{base(producer)}/nhap/xac-nhan", data={"csrf_token": csrf_of(client, f"{base(producer)}/nhap"),
                                                          "token": token})
    variant = reload(product).variants[0]
    assert (variant.price_vnd, variant.stock_quantity, variant.label) == (270_000, 20, "Chai 500 ml")


def test_two_new_products_of_nearly_the_same_name_are_refused_by_line(client, owner, producer):
    rows = good_rows()
    rows[2][0] = "Trà Shan Tuyết!"  # another casefold key, the same slug as line 2's
    page = html(send_import(client, producer, csv_file(rows)))
    assert re.search(r"<td>4</td><td>ten_san_pham</td>", page) and count(Product) == 0


def test_without_javascript_choosing_the_province_lists_its_wards_and_saves_nothing(client, owner, producer):
    response = post(client, f"{base(producer)}/them", {**PRODUCT, "choose_province": "1"})
    assert response.status_code == 200 and count(Product) == 0
    page = html(response)
    assert f'<option value="{DIEN_BIEN_WARD}"' in page and 'id="error-summary"' not in page
