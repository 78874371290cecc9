"""The portal's photo and decision-document pages (catalog/media.py), on the
catalog_portal_pages blueprint: upload a photo (its renditions are a job's), reorder
or remove photos, give up one still being processed; upload and read the decision
document (members and admins only)."""

from flask import Response, render_template, url_for
from flask_babel import gettext as _

from marketplace import access
from marketplace.catalog import media, services
from marketplace.catalog.portal_forms import DocumentUploadForm, ImageUploadForm, ProductForm
from marketplace.catalog.portal_pages import UNPROCESSABLE, _to_product, _upload_bytes, blp
from marketplace.producers.access import PRODUCER_MEMBER, PRODUCER_MEMBER_OR_ADMIN
from marketplace.web.security import accepts_upload


# --- photos and the decision document ---------------------------------------------------------

def _upload_refused(producer_id: int, product_id: int, refusal: media.InvalidUpload, form_name: str):
    product = services.get_product(producer_id, product_id)
    forms = {"image_form": ImageUploadForm(formdata=None), "document_form": DocumentUploadForm(formdata=None)}
    field = getattr(forms[form_name], refusal.field)
    field.errors = [_(refusal.reason, **refusal.values)]
    return render_template("portal/products_form.html", form=ProductForm(product=product), product=product,
                           producer_id=producer_id, **forms), UNPROCESSABLE


@blp.post("/<int:product_id>/anh")
@access.requires(PRODUCER_MEMBER)
@accepts_upload("UPLOAD_IMAGE_MAX_BYTES")
def upload_image(producer_id: int, product_id: int):
    form = ImageUploadForm()
    try:
        media.add_image(producer_id, product_id, _upload_bytes(form, "image"))
    except media.InvalidUpload as refusal:
        return _upload_refused(producer_id, product_id, refusal, "image_form")
    return _to_product(producer_id, product_id, _("Đã thêm ảnh. Ảnh hiện ra sau khi xử lý xong."), anchor="anh")


@blp.post("/<int:product_id>/anh-dang-xu-ly/<int:pending_id>/xoa")
@access.requires(PRODUCER_MEMBER)
def remove_pending_image(producer_id: int, product_id: int, pending_id: int):
    media.remove_pending_image(producer_id, product_id, pending_id)
    return _to_product(producer_id, product_id, _("Đã huỷ ảnh đang xử lý."), anchor="anh")


@blp.post("/<int:product_id>/anh/<int:index>/<any('len', 'xuong', 'xoa'):move>")
@access.requires(PRODUCER_MEMBER)
def change_image(producer_id: int, product_id: int, index: int, move: str):
    if move == "xoa":
        media.remove_image(producer_id, product_id, index)
        return _to_product(producer_id, product_id, _("Đã xoá ảnh."), anchor="anh")
    media.move_image(producer_id, product_id, index, -1 if move == "len" else 1)
    return _to_product(producer_id, product_id, _("Đã đổi thứ tự ảnh."), anchor="anh")


@blp.post("/<int:product_id>/quyet-dinh")
@access.requires(PRODUCER_MEMBER)
@accepts_upload("UPLOAD_DOCUMENT_MAX_BYTES")
def upload_document(producer_id: int, product_id: int):
    form = DocumentUploadForm()
    try:
        media.attach_certificate_document(producer_id, product_id, _upload_bytes(form, "document"))
    except media.InvalidUpload as refusal:
        return _upload_refused(producer_id, product_id, refusal, "document_form")
    return _to_product(producer_id, product_id, _("Đã tải lên quyết định công nhận. Ban OCOP sẽ xem lại chứng nhận."),
                       anchor="chung-nhan")


@blp.get("/<int:product_id>/quyet-dinh")
@access.requires(PRODUCER_MEMBER_OR_ADMIN)
def certificate_document(producer_id: int, product_id: int):
    """The decision document, for the producer's members and admins only; never cached."""
    data, mimetype = media.certificate_document(services.get_product(producer_id, product_id))
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response


@blp.app_template_global()
def certificate_document_url(product) -> str | None:
    """Where a member or an admin reads a product's decision document (None: none uploaded)."""
    if not product.ocop_document_key:
        return None
    return url_for("catalog_portal_pages.certificate_document", producer_id=product.producer_id, product_id=product.id)
