"""The shopper's side: cart, checkout and their orders."""

from flask.views import MethodView
from flask_login import current_user

from marketplace.access import AUTHENTICATED
from marketplace.api import Blueprint
from marketplace.idempotency import IdempotencyHeaderSchema
from marketplace.orders import addresses, cart, fulfilment, placement, queries, schemas
from marketplace.orders.addresses import AddressNotFound, TooManyAddresses
from marketplace.orders.checkout import EmptyCart, IdempotencyKeyReused, NoSuchSavedAddress, PricesChanged
from marketplace.orders.errors import (BadQuantity, CardPaymentsUnavailable, NotCancellable, NotInCart, NotOnSale,
                                       OrderNotFound, SubOrderNotFound)
from marketplace.orders.lifecycle import IllegalTransition
from marketplace.orders.stock import InsufficientStock
from marketplace.payments.gateway import PaymentProviderError
from marketplace.schemas import page_of

blp = Blueprint("shopping", __name__, url_prefix="/api/v1", description="Cart, checkout and your orders")


@blp.route("/cart")
class Cart(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.CartSchema)
    def get(self):
        """Your cart by producer, at current prices, with stock and price warnings"""
        return cart.view(current_user)

    @blp.access(AUTHENTICATED)
    @blp.response(204)
    def delete(self):
        """Empty your cart"""
        cart.clear(current_user)


@blp.route("/cart/lines/<int:variant_id>")
class CartLine(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.CartLineInSchema)
    @blp.response(200, schemas.CartSchema)
    @blp.errors(NotOnSale, BadQuantity)
    def put(self, data, variant_id):
        """Set how many of a variant are in your cart"""
        return cart.put(current_user, variant_id, data["quantity"])

    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.CartSchema)
    @blp.errors(NotInCart)
    def delete(self, variant_id):
        """Take a variant out of your cart"""
        return cart.take_out(current_user, variant_id)


@blp.route("/checkout")
class Checkout(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(schemas.CheckoutSchema)
    @blp.response(201, schemas.OrderSchema)
    @blp.alt_response(200, schema=schemas.OrderSchema, description="A retry with the same Idempotency-Key")
    @blp.errors(EmptyCart, PricesChanged, InsufficientStock, CardPaymentsUnavailable, IdempotencyKeyReused,
                NoSuchSavedAddress, 422)
    def post(self, headers, data):
        """Place your cart as one order, split per producer; pay by card, cash on delivery or bank transfer.
        If Stripe can't be reached the order stands, and its payment says how to retry."""
        order, created = placement.place_order(current_user, data, headers["key"])
        return order, 201 if created else 200


@blp.route("/orders")
class Orders(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.OrderQuerySchema, location="query")
    @blp.response(200, page_of(schemas.OrderSchema))
    def get(self, query):
        """Your orders, newest first"""
        return queries.orders_of(current_user, query.get("status"), query["page"], query["per_page"])


@blp.route("/orders/<int:order_id>")
class Order(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.OrderSchema)
    @blp.errors(OrderNotFound)
    def get(self, order_id):
        """One of your orders, with each producer's part and its history"""
        return fulfilment.order_of(current_user, order_id)


@blp.route("/orders/<int:order_id>/cancel")
class CancelOrder(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.CancelSchema)
    @blp.response(200, schemas.OrderSchema)
    @blp.errors(OrderNotFound, NotCancellable, IllegalTransition, PaymentProviderError)
    def post(self, data, order_id):
        """Cancel every part not yet shipped; paid card amounts are refunded"""
        return fulfilment.cancel_by_shopper(current_user, order_id, data["reason"])


@blp.route("/orders/<int:order_id>/payment-intent")
class PaymentIntent(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.OrderSchema)
    @blp.errors(OrderNotFound, PaymentProviderError)
    def post(self, order_id):
        """Get (or create, if checkout could not reach Stripe) the card payment for an order"""
        return placement.open_card_payment(current_user, order_id)


@blp.route("/orders/<int:order_id>/sub-orders/<int:sub_order_id>/confirm-received")
class ConfirmReceived(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.OrderSchema)
    @blp.errors(OrderNotFound, SubOrderNotFound, IllegalTransition)
    def post(self, order_id, sub_order_id):
        """Confirm you received a delivered part; it is then completed"""
        return fulfilment.confirm_received(current_user, order_id, sub_order_id)


@blp.route("/addresses")
class Addresses(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.SavedAddressSchema(many=True))
    def get(self):
        """Your saved shipping addresses, the default first"""
        return addresses.addresses_of(current_user)

    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.SavedAddressInSchema)
    @blp.response(201, schemas.SavedAddressSchema)
    @blp.errors(TooManyAddresses)
    def post(self, data):
        """Save a shipping address (at most 10); the first one is the default"""
        return addresses.add_address(current_user, data)


@blp.route("/addresses/<int:address_id>")
class Address(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.SavedAddressChangeSchema(partial=True))
    @blp.response(200, schemas.SavedAddressSchema)
    @blp.errors(AddressNotFound)
    def patch(self, data, address_id):
        """Change a saved address, or make it the default"""
        return addresses.edit_address(current_user, address_id, data)

    @blp.access(AUTHENTICATED)
    @blp.response(204)
    @blp.errors(AddressNotFound)
    def delete(self, address_id):
        """Forget a saved address"""
        addresses.remove_address(current_user, address_id)
