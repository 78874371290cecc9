"""Back office: the certificates awaiting verification, oldest first, each
with its decision document beside the claimed fields; verifying one calls the
service the API's admin route calls."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.access import ADMIN
from marketplace.catalog import services
from marketplace.catalog.models import NoCertificate, Product, ProductNotFound
from marketplace.extensions import db
from marketplace.web.admin_forms import ActionForm
from marketplace.web.refusals import show_refusal

blp = Blueprint("admin_catalog_pages", __name__)

PER_PAGE = 20
@blp.get("/quan-tri/chung-nhan")
@access.requires(ADMIN)
def queue():
    page = services.list_for_admin(False, None, request.args.get("page", 1, type=int) or 1, PER_PAGE)
    return render_template("catalog/admin_certificates.html", page=page, form=ActionForm(formdata=None),
                           admin_section="backoffice.home")


@blp.get("/quan-tri/chung-nhan/<int:product_id>")
@access.requires(ADMIN)
def review(product_id: int):
    return _review(product_id)


@blp.post("/quan-tri/chung-nhan/<int:product_id>/xac-nhan")
@access.requires(ADMIN)
def verify(product_id: int):
    if not ActionForm().validate_on_submit():
        return _review(product_id, _("Phiên làm việc đã hết hạn. Vui lòng gửi lại biểu mẫu."), 422)
    try:
        product = services.verify_certificate(product_id, current_user.id)
    except NoCertificate as error:
        return _review(product_id, show_refusal(None, error), 409)
    flash(_("Đã xác nhận chứng nhận OCOP của %(name)s.", name=product.name))
    return redirect(url_for(".queue"), code=303)


def _review(product_id: int, problem=None, status=200):
    product = db.session.get(Product, product_id)
    if product is None:
        raise ProductNotFound()
    return render_template("catalog/admin_certificate.html", product=product, form=ActionForm(formdata=None),
                           problem=problem, admin_section="backoffice.home"), status
