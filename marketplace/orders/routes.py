"""The shopper's side: cart, checkout and their orders."""

from flask.views import MethodView
from flask_login import current_user

from marketplace.access import AUTHENTICATED
from marketplace.api import Blueprint
from marketplace.idempotency import IdempotencyHeaderSchema
from marketplace.orders import addresses, cart, checkout, fulfilment, queries, schemas
from marketplace.payments import services as payments
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
    @blp.errors(404)
    def put(self, data, variant_id):
        """Set how many of a variant are in your cart"""
        cart.set_line(current_user, variant_id, data["quantity"])
        return cart.view(current_user)

    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.CartSchema)
    @blp.errors(404)
    def delete(self, variant_id):
        """Take a variant out of your cart"""
        cart.remove_line(current_user, variant_id)
        return cart.view(current_user)


@blp.route("/checkout")
class Checkout(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(schemas.CheckoutSchema)
    @blp.response(201, schemas.OrderSchema)
    @blp.alt_response(200, schema=schemas.OrderSchema, description="A retry with the same Idempotency-Key")
    @blp.errors(409, 422, 502)
    def post(self, headers, data):
        """Place your cart as one order, split per producer; pay by card, cash on delivery or bank transfer"""
        order, created = checkout.checkout(current_user, data, headers["key"])
        payments.ensure_card_intent(order.id)
        return fulfilment.order_of(current_user, order.id), 201 if created else 200


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
    @blp.errors(404)
    def get(self, order_id):
        """One of your orders, with each producer's part and its history"""
        return fulfilment.order_of(current_user, order_id)


@blp.route("/orders/<int:order_id>/cancel")
class CancelOrder(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.CancelSchema)
    @blp.response(200, schemas.OrderSchema)
    @blp.errors(404, 409, 502)
    def post(self, data, order_id):
        """Cancel every part not yet shipped; paid card amounts are refunded"""
        return fulfilment.cancel_by_shopper(current_user, order_id, data["reason"])


@blp.route("/orders/<int:order_id>/payment-intent")
class PaymentIntent(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.OrderSchema)
    @blp.errors(404, 502)
    def post(self, order_id):
        """Get (or create, if checkout could not reach Stripe) the card payment for an order"""
        fulfilment.order_of(current_user, order_id)
        payments.ensure_card_intent(order_id)
        return fulfilment.order_of(current_user, order_id)


@blp.route("/orders/<int:order_id>/sub-orders/<int:sub_order_id>/confirm-received")
class ConfirmReceived(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.OrderSchema)
    @blp.errors(404, 409)
    def post(self, order_id, sub_order_id):
        """Confirm you received a delivered part; it is then completed"""
        fulfilment.confirm_received(current_user, order_id, sub_order_id)
        return fulfilment.order_of(current_user, order_id)


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
    @blp.errors(409)
    def post(self, data):
        """Save a shipping address (at most 10); the first one is the default"""
        return addresses.add_address(current_user, data)


@blp.route("/addresses/<int:address_id>")
class Address(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.SavedAddressChangeSchema(partial=True))
    @blp.response(200, schemas.SavedAddressSchema)
    @blp.errors(404)
    def patch(self, data, address_id):
        """Change a saved address, or make it the default"""
        return addresses.edit_address(current_user, address_id, data)

    @blp.access(AUTHENTICATED)
    @blp.response(204)
    @blp.errors(404)
    def delete(self, address_id):
        """Forget a saved address"""
        addresses.remove_address(current_user, address_id)
