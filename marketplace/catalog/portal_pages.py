"""The producer portal's product pages (/kenh-nguoi-ban/<producer>/san-pham/...), over
the use cases the API's portal routes call (catalog/portal.py → catalog/services.py),
plus the import (catalog/product_import.py, applied by a job: catalog/import_jobs.py)
and export (catalog/product_export.py); the photo and document pages are in
portal_media_pages.py, on this blueprint. Owners and staff alike, as in the API (PRODUCER_MEMBER);
another producer's product is simply not found (404)."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from marketplace import access
from marketplace.catalog import import_jobs, product_export, product_import, services
from marketplace.catalog.certification import InvalidCertificate
from marketplace.catalog.models import CannotPublish, InvalidProductTransition, VariantNotFound
from marketplace.catalog.portal_forms import (DocumentUploadForm, ImageUploadForm, ImportForm, ListFilterForm,
                                              ProductForm, STATUS_LABELS, VariantForm)
from marketplace.errors import translate_message
from marketplace.producers.access import PRODUCER_MEMBER
from marketplace.web.security import accepts_upload

blp = Blueprint("catalog_portal_pages", __name__, url_prefix="/kenh-nguoi-ban/<int:producer_id>/san-pham")

UNPROCESSABLE = 422
PER_PAGE = 20
IMPORT_STATUS_LABELS = {"queued": _l("Đang chờ"), "running": _l("Đang nhập"), "done": _l("Đã nhập xong"),
                        "failed": _l("Không nhập được")}


@blp.context_processor
def _labels():
    return {"STATUS_LABELS": STATUS_LABELS, "IMPORT_STATUS_LABELS": IMPORT_STATUS_LABELS,
            "translate_message": translate_message}


def _to_product(producer_id: int, product_id: int, message: str | None = None, anchor: str | None = None):
    if message:
        flash(message)
    return redirect(url_for(".edit", producer_id=producer_id, product_id=product_id, _anchor=anchor), code=303)


def _refused(error) -> str:
    """A domain refusal as one sentence: its message and each field's reason."""
    reasons = [_(m) for messages in (error.errors.get("json") or {}).values() for m in messages]
    return " ".join([_(error.message), *reasons])


def _upload_bytes(form, name: str) -> bytes:
    upload = getattr(form, name).data
    return upload.read() if upload and hasattr(upload, "read") else b""


# --- the list, import and export --------------------------------------------------------

@blp.get("")
@access.requires(PRODUCER_MEMBER)
def products(producer_id: int):
    filters = ListFilterForm(request.args)
    page = services.list_products(producer_id, filters.status(), request.args.get("trang", 1, type=int) or 1,
                                  PER_PAGE, search=filters.q.data or None)
    return render_template("portal/products.html", page=page, filters=filters, producer_id=producer_id)


@blp.get("/xuat.<any(csv, xlsx):format>")
@access.requires(PRODUCER_MEMBER)
def export(producer_id: int, format: str):
    exported = product_export.export_products(producer_id, format)
    return Response(exported.data, mimetype=exported.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'})


def _import_page(producer_id: int, form, report=None, status: int = 200):
    return render_template("portal/products_import.html", form=form, report=report, producer_id=producer_id,
                           imports=import_jobs.recent_imports(producer_id)), status


@blp.route("/nhap", methods=["GET", "POST"])
@access.requires(PRODUCER_MEMBER)
@accepts_upload("UPLOAD_DOCUMENT_MAX_BYTES")
def import_products(producer_id: int):
    """Upload a file: the dry run, which reports every bad row and writes nothing."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(producer_id, form, status=UNPROCESSABLE if form.is_submitted() else 200)
    report = product_import.check_import(producer_id, _upload_bytes(form, "file"),
                                         getattr(form.file.data, "filename", "") or "")
    return _import_page(producer_id, form, report, 200 if report.ok else UNPROCESSABLE)


@blp.post("/nhap/xac-nhan")
@access.requires(PRODUCER_MEMBER)
def confirm_import(producer_id: int):
    """Queue the file the dry run accepted; a job applies every row in one transaction, or none."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(producer_id, form, status=UNPROCESSABLE)
    try:
        import_jobs.confirm_import(producer_id, request.form.get("token", ""))
    except product_import.ImportExpired:
        flash(_("Không tìm thấy lần nhập này, hoặc nó đã được áp dụng. Vui lòng tải tệp lên lại."))
        return _import_page(producer_id, ImportForm(formdata=None), status=UNPROCESSABLE)
    flash(_("Đã nhận lệnh nhập. Kết quả hiện ở mục “Các lần nhập gần đây”."))
    return redirect(url_for(".import_products", producer_id=producer_id, _anchor="lan-nhap"), code=303)


# --- one product ------------------------------------------------------------------------------

def _product_page(producer_id: int, product, form, status: int = 200):
    return render_template("portal/products_form.html", form=form, product=product, producer_id=producer_id,
                           image_form=ImageUploadForm(formdata=None), document_form=DocumentUploadForm(formdata=None)), status


def _save_product(producer_id: int, form, save):
    """Run create/update with the form's fields; refusals go back beside the fields."""
    try:
        return save(form.product_fields())
    except InvalidCertificate as error:
        form.show_certificate_errors(error.errors["json"]["certification"])
    except services.ProductSlugTaken:
        form.name.errors = [*form.name.errors, _("Bạn đã có một sản phẩm khác cùng tên này.")]
    return None


@blp.route("/them", methods=["GET", "POST"])
@access.requires(PRODUCER_MEMBER)
def create(producer_id: int):
    form = ProductForm()
    if form.choosing_province() or not form.validate_on_submit():
        return _product_page(producer_id, None, form, UNPROCESSABLE if form.is_submitted() and not
                             form.choosing_province() else 200)
    product = _save_product(producer_id, form, lambda data: services.create_product(producer_id, data))
    if product is None:
        return _product_page(producer_id, None, form, UNPROCESSABLE)
    return _to_product(producer_id, product.id, _("Đã tạo bản nháp sản phẩm. Thêm quy cách, ảnh rồi đăng bán."))


@blp.route("/<int:product_id>", methods=["GET", "POST"])
@access.requires(PRODUCER_MEMBER)
def edit(producer_id: int, product_id: int):
    product = services.get_product(producer_id, product_id)  # another producer's: 404
    form = ProductForm(product=product)
    if form.choosing_province() or not form.validate_on_submit():
        return _product_page(producer_id, product, form, UNPROCESSABLE if form.is_submitted() and not
                             form.choosing_province() else 200)
    saved = _save_product(producer_id, form, lambda data: services.update_product(producer_id, product_id, data))
    if saved is None:
        return _product_page(producer_id, product, form, UNPROCESSABLE)
    return _to_product(producer_id, product_id, _("Đã lưu thay đổi."))


_TRANSITIONS = {"dang-ban": (services.publish, _l("Đã đăng bán sản phẩm.")),
                "ngung-ban": (services.unpublish, _l("Đã ngừng bán sản phẩm; sản phẩm trở về bản nháp.")),
                "luu-tru": (services.archive, _l("Đã lưu trữ sản phẩm."))}


@blp.post("/<int:product_id>/<any('dang-ban', 'ngung-ban', 'luu-tru'):change>")
@access.requires(PRODUCER_MEMBER)
def change_status(producer_id: int, product_id: int, change: str):
    service, done = _TRANSITIONS[change]
    try:
        service(producer_id, product_id)
    except (CannotPublish, InvalidProductTransition) as error:
        return _to_product(producer_id, product_id, _refused(error))
    return _to_product(producer_id, product_id, str(done))


# --- variants ------------------------------------------------------------------------------------

def _variant_page(producer_id: int, product, form, variant=None, status: int = 200):
    return render_template("portal/products_variant.html", form=form, product=product, variant=variant,
                           producer_id=producer_id), status


def _save_variant(form, save):
    try:
        return save(form.variant_fields())
    except services.GtinTaken:
        form.gtin.errors = [*form.gtin.errors, _("Mã vạch này đã được dùng cho một quy cách khác.")]
    return None


def _variant_of(product, variant_id: int):
    for variant in product.variants:
        if variant.id == variant_id:
            return variant
    raise VariantNotFound()


@blp.route("/<int:product_id>/quy-cach/them", methods=["GET", "POST"])
@access.requires(PRODUCER_MEMBER)
def add_variant(producer_id: int, product_id: int):
    product = services.get_product(producer_id, product_id)
    form = VariantForm()
    if not form.validate_on_submit() or not _save_variant(
            form, lambda data: services.add_variant(producer_id, product_id, data)):
        return _variant_page(producer_id, product, form, status=UNPROCESSABLE if form.is_submitted() else 200)
    return _to_product(producer_id, product_id, _("Đã thêm quy cách."), anchor="quy-cach")


@blp.route("/<int:product_id>/quy-cach/<int:variant_id>", methods=["GET", "POST"])
@access.requires(PRODUCER_MEMBER)
def edit_variant(producer_id: int, product_id: int, variant_id: int):
    product = services.get_product(producer_id, product_id)
    variant = _variant_of(product, variant_id)
    form = VariantForm(variant=variant)
    if not form.validate_on_submit() or not _save_variant(
            form, lambda data: services.update_variant(producer_id, product_id, variant_id, data)):
        return _variant_page(producer_id, product, form, variant, UNPROCESSABLE if form.is_submitted() else 200)
    return _to_product(producer_id, product_id, _("Đã lưu quy cách."), anchor="quy-cach")
