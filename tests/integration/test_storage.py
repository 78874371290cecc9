"""The storage module's two backends, and the product photos through S3: a real
S3-compatible server (moto's) on loopback, reached over HTTP with boto3."""

import io
import socket

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from marketplace import storage
from marketplace.catalog import media
from marketplace.catalog.models import ProductStatus
from marketplace.storage.backends import LocalBackend, S3Backend, StoredFileMissing, backend_for
from tests.factories import ProducerFactory, ProductFactory

BUCKET = "ocop-test"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def objects(endpoint) -> set[str]:
    listed = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS).list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listed.get("Contents", [])}


@pytest.fixture
def s3(app, s3_server):
    """The app's storage pointed at the moto server for one test."""
    saved = {key: app.config.get(key) for key in ("STORAGE_URL", "S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID",
                                                  "S3_SECRET_ACCESS_KEY", "S3_REGION")}
    app.config.update(STORAGE_URL=f"s3://{BUCKET}/media", S3_ENDPOINT_URL=s3_server, S3_ACCESS_KEY_ID="testing",
                      S3_SECRET_ACCESS_KEY="testing", S3_REGION="us-east-1")
    app.extensions.pop("marketplace.storage", None)
    yield s3_server
    app.config.update(saved)
    app.extensions.pop("marketplace.storage", None)


@pytest.mark.parametrize("make", [lambda tmp, _s3: LocalBackend(tmp), None], ids=["local", "s3"])
def test_put_get_exists_delete(tmp_path, s3_server, make):
    backend = make(tmp_path, s3_server) if make else S3Backend(
        BUCKET, "unit", endpoint_url=s3_server, **CREDENTIALS)
    assert not backend.exists("anh/x-320.webp")
    backend.put("anh/x-320.webp", b"bytes", "image/webp")
    assert backend.exists("anh/x-320.webp") and backend.get("anh/x-320.webp") == b"bytes"
    backend.delete("anh/x-320.webp")
    backend.delete("anh/x-320.webp")  # deleting twice is fine
    with pytest.raises(StoredFileMissing):
        backend.get("anh/x-320.webp")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "a//b", "a/./b", ""])
def test_a_key_cannot_leave_the_store(tmp_path, key):
    with pytest.raises(ValueError):
        LocalBackend(tmp_path).put(key, b"x", "text/plain")


def test_storage_url_chooses_the_backend(tmp_path):
    assert isinstance(backend_for({"STORAGE_URL": ""}, str(tmp_path)), LocalBackend)
    assert backend_for({"STORAGE_URL": f"file://{tmp_path}/x"}, "/nope").root == tmp_path / "x"
    s3 = backend_for({"STORAGE_URL": "s3://bucket/pre", "S3_REGION": "us-east-1"}, "/nope")
    assert isinstance(s3, S3Backend) and (s3.bucket, s3.prefix) == ("bucket", "pre")
    with pytest.raises(ValueError):
        backend_for({"STORAGE_URL": "ftp://x"}, "/nope")


def _png(size=(900, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 60)).save(out, "PNG")
    return out.getvalue()


def test_a_product_photo_goes_to_s3_in_three_widths_and_is_served_from_there(app, client, s3):
    product = ProductFactory(producer=ProducerFactory(), status=ProductStatus.DRAFT, published_at=None)
    product = media.add_image(product.producer_id, product.id, _png())
    stem = product.image_urls[0].removeprefix("/anh/").removesuffix("-1280.webp")
    assert {f"media/anh/{stem}-{w}.webp" for w in (320, 640, 1280)} <= objects(s3)
    response = client.get(f"/anh/{stem}-640.webp")
    assert response.status_code == 200 and Image.open(io.BytesIO(response.data)).width == 640
    assert client.get("/anh/sp1-nothing-640.webp").status_code == 404


def test_a_fake_photo_leaves_no_s3_object(app, s3):
    product = ProductFactory(producer=ProducerFactory(), status=ProductStatus.DRAFT, published_at=None)
    before = objects(s3)
    with pytest.raises(media.InvalidUpload):
        media.add_image(product.producer_id, product.id, b"\x89PNG\r\n\x1a\n but not really a png")
    assert objects(s3) == before


def test_a_failed_write_of_the_row_removes_the_files_it_stored(app, s3, monkeypatch):
    product = ProductFactory(producer=ProducerFactory(), status=ProductStatus.DRAFT, published_at=None)
    before = objects(s3)

    def broken(*_args, **_kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(media, "_record_pending", broken)
    with pytest.raises(RuntimeError):
        media.add_image(product.producer_id, product.id, _png())
    assert objects(s3) == before


def test_a_certificate_document_is_stored_privately_in_s3(app, s3):
    product = ProductFactory(producer=ProducerFactory())
    product = media.attach_certificate_document(product.producer_id, product.id, b"%PDF-1.7\n%%EOF\n")
    assert f"media/{product.ocop_document_key}" in objects(s3)
    assert not product.ocop_document_key.startswith("anh/")  # never under the public prefix
    assert media.certificate_document(product) == (b"%PDF-1.7\n%%EOF\n", "application/pdf")
    with pytest.raises(ValueError):
        storage.url(product.ocop_document_key)
