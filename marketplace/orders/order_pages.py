"""The shopper's order pages: confirmation/detail, my orders and card payment.
Each view parses the URL, calls the use case the API calls, renders."""

from flask import Blueprint, render_template

from marketplace import access
from marketplace.access import AUTHENTICATED

blp = Blueprint("order_pages", __name__)


@blp.get("/don-hang")
@access.requires(AUTHENTICATED)
def mine():
    return render_template("orders/my_orders.html")


@blp.get("/don-hang/<int:order_id>")
@access.requires(AUTHENTICATED)
def detail(order_id: int):
    return render_template("orders/order_detail.html", order_id=order_id)


@blp.get("/don-hang/<int:order_id>/thanh-toan-the")
@access.requires(AUTHENTICATED)
def pay(order_id: int):
    return render_template("orders/pay_card.html", order_id=order_id)
