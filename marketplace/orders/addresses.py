"""The shopper's saved shipping addresses: at most MAX_ADDRESSES, one of them the default."""

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.database import transactional
from marketplace.errors import N_, Conflict, NotFound
from marketplace.extensions import db
from marketplace.orders.models import SavedAddress

MAX_ADDRESSES = 10


class TooManyAddresses(Conflict):
    code = "too_many_addresses"
    message = N_("You can keep at most {maximum} addresses. Remove one first.", maximum=MAX_ADDRESSES)


class AddressNotFound(NotFound):
    code, message = "address_not_found", N_("No such address.")


def addresses_of(user: User) -> list[SavedAddress]:
    """Default first, then newest."""
    return db.session.scalars(sa.select(SavedAddress).where(SavedAddress.user_id == user.id)
                              .order_by(SavedAddress.is_default.desc(), SavedAddress.id.desc())).all()


def address_of(user: User, address_id: int) -> SavedAddress:
    """One of the shopper's own addresses. Raises AddressNotFound for anyone else's."""
    address = db.session.get(SavedAddress, address_id)
    if address is None or address.user_id != user.id:
        raise AddressNotFound()
    return address


@transactional
def add_address(user: User, fields: dict) -> SavedAddress:
    """Raises TooManyAddresses. The first address, or one marked default, becomes the default."""
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())  # count, then add, alone
    existing = addresses_of(user)
    if len(existing) >= MAX_ADDRESSES:
        raise TooManyAddresses()
    address = SavedAddress(user_id=user.id, **{k: v for k, v in fields.items() if k != "is_default"})
    db.session.add(address)
    _make_default(user, address, fields.get("is_default") or not existing)
    return address


@transactional
def edit_address(user: User, address_id: int, changes: dict) -> SavedAddress:
    """Raises AddressNotFound."""
    address = address_of(user, address_id)
    for field, value in changes.items():
        if field != "is_default":
            setattr(address, field, value)
    if changes.get("is_default"):
        _make_default(user, address, True)
    return address


@transactional
def remove_address(user: User, address_id: int) -> None:
    """Raises AddressNotFound. Removing the default makes the newest remaining one the default."""
    address = address_of(user, address_id)
    db.session.delete(address)
    db.session.flush()
    if address.is_default:
        remaining = addresses_of(user)
        if remaining:
            remaining[0].is_default = True


def _make_default(user: User, address: SavedAddress, default: bool) -> None:
    if default:
        db.session.execute(sa.update(SavedAddress).where(SavedAddress.user_id == user.id)
                           .values(is_default=False).execution_options(synchronize_session="fetch"))
    address.is_default = bool(default)
