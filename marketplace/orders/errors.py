"""The refusals of the orders package, by name (tests catch them by type)."""

from marketplace.errors import Conflict, InvalidInput, NotFound


class OrderNotFound(NotFound):
    code, message = "order_not_found", "No such order."


class SubOrderNotFound(NotFound):
    code, message = "sub_order_not_found", "No such order."


class RefundNotFound(NotFound):
    code, message = "refund_not_found", "No such refund on this order."


class RefundNotAwaitingAllocation(Conflict):
    code, message = "refund_not_awaiting_allocation", "This refund is not awaiting allocation."


class NotCancellable(Conflict):
    code, message = "not_cancellable", "Nothing in this order can be cancelled any more: it has shipped or ended."


class NotPaid(Conflict):
    code, message = "not_paid", "Nothing has been paid for this order yet."


class CashNotRecorded(InvalidInput):
    message = "Record the cash collected on delivery."

    def __init__(self, total_vnd: int):
        super().__init__(errors={"cash_collected_vnd": [f"Must equal the amount due, {total_vnd} đồng."]})


class CashOnlyOnDelivery(InvalidInput):
    message = "Cash is recorded only for cash-on-delivery orders."

    def __init__(self):
        super().__init__(errors={"cash_collected_vnd": ["Only for cash-on-delivery orders."]})


class CardPaymentsUnavailable(InvalidInput):
    message = "Card payments are not available now; pay by cash on delivery or bank transfer."

    def __init__(self):
        super().__init__(errors={"payment_method": ["Card payments are not available now."]})


class SharesDoNotFit(InvalidInput):
    message = "The shares do not fit the order's parts."

    def __init__(self, errors: dict):
        super().__init__(errors={"parts": errors})


class SharesExceedRefund(InvalidInput):
    def __init__(self, amount_vnd: int):
        message = f"The shares add up to more than the refund, {amount_vnd} đồng."
        super().__init__(message, errors={"parts": [message]})


class NotOnSale(NotFound):
    code, message = "variant_not_found", "This item is not on sale."


class NotInCart(NotFound):
    code, message = "cart_line_not_found", "This item is not in your cart."


class BadQuantity(InvalidInput):
    message = "The quantity is out of range."

    def __init__(self, maximum: int):
        super().__init__(errors={"quantity": [f"Must be between 1 and {maximum}."]})
