"""The shopper's saved addresses as pages: list, add, edit, delete, make default,
over the use cases the API calls (orders/addresses.py). They live in orders,
where addresses do, though they sit in the account section of the site."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.access import AUTHENTICATED
from marketplace.orders import addresses
from marketplace.orders.address_forms import AddressForm

blp = Blueprint("address_pages", __name__, url_prefix="/tai-khoan/dia-chi")

UNPROCESSABLE = 422


def _form_page(form, address=None, message=None):
    failed = form.is_submitted() and not form.choosing_province()
    return render_template("orders/addresses_form.html", form=form, address=address,
                           message=message), UNPROCESSABLE if failed else 200


def _saved(message: str):
    flash(message)
    return redirect(url_for(".addresses_list"), code=303)


@blp.get("")
@access.requires(AUTHENTICATED)
def addresses_list():
    return render_template("orders/addresses.html", addresses=addresses.addresses_of(current_user),
                           limit=addresses.MAX_ADDRESSES)


@blp.route("/them", methods=["GET", "POST"])
@access.requires(AUTHENTICATED)
def add():
    form = AddressForm()
    if form.choosing_province() or not form.validate_on_submit():
        return _form_page(form)
    try:
        addresses.add_address(current_user, form.address_fields())
    except addresses.TooManyAddresses:
        return _form_page(form, message=_("Bạn chỉ lưu được tối đa %(count)d địa chỉ. Hãy xoá bớt một địa chỉ trước.",
                                          count=addresses.MAX_ADDRESSES))
    return _saved(_("Đã lưu địa chỉ mới."))


@blp.route("/<int:address_id>/sua", methods=["GET", "POST"])
@access.requires(AUTHENTICATED)
def edit(address_id: int):
    address = addresses.address_of(current_user, address_id)  # someone else's: 404
    form = AddressForm(address=address)
    if form.choosing_province() or not form.validate_on_submit():
        return _form_page(form, address)
    addresses.edit_address(current_user, address_id, form.address_fields())
    return _saved(_("Đã lưu thay đổi của địa chỉ."))


@blp.post("/<int:address_id>/xoa")
@access.requires(AUTHENTICATED)
def remove(address_id: int):
    addresses.remove_address(current_user, address_id)
    return _saved(_("Đã xoá địa chỉ."))


@blp.post("/<int:address_id>/mac-dinh")
@access.requires(AUTHENTICATED)
def make_default(address_id: int):
    addresses.edit_address(current_user, address_id, {"is_default": True})
    return _saved(_("Đã đặt làm địa chỉ mặc định."))
