"""The refusals of the orders package, by name (tests catch them by type)."""

from marketplace.errors import N_, Conflict, InvalidInput, NotFound


class OrderNotFound(NotFound):
    code, message = "order_not_found", N_("No such order.")


class SubOrderNotFound(NotFound):
    code, message = "sub_order_not_found", N_("No such order.")


class RefundNotFound(NotFound):
    code, message = "refund_not_found", N_("No such refund on this order.")


class RefundNotAwaitingAllocation(Conflict):
    code, message = "refund_not_awaiting_allocation", N_("This refund is not awaiting allocation.")


class NotCancellable(Conflict):
    code, message = "not_cancellable", N_("Nothing in this order can be cancelled any more: it has shipped or ended.")


class NotPaid(Conflict):
    code, message = "not_paid", N_("Nothing has been paid for this order yet.")


class CashNotRecorded(InvalidInput):
    message = N_("Record the cash collected on delivery.")

    def __init__(self, total_vnd: int):
        super().__init__(errors={"cash_collected_vnd": [N_("Must equal the amount due, {total_vnd} đồng.", total_vnd=total_vnd)]})


class CashOnlyOnDelivery(InvalidInput):
    message = N_("Cash is recorded only for cash-on-delivery orders.")

    def __init__(self):
        super().__init__(errors={"cash_collected_vnd": [N_("Only for cash-on-delivery orders.")]})


class CardPaymentsUnavailable(InvalidInput):
    message = N_("Card payments are not available now; pay by cash on delivery or bank transfer.")

    def __init__(self):
        super().__init__(errors={"payment_method": [N_("Card payments are not available now.")]})


class SharesDoNotFit(InvalidInput):
    message = N_("The shares do not fit the order's parts.")

    def __init__(self, errors: dict):
        super().__init__(errors={"parts": errors})


class SharesExceedRefund(InvalidInput):
    def __init__(self, amount_vnd: int):
        message = N_("The shares add up to more than the refund, {amount_vnd} đồng.", amount_vnd=amount_vnd)
        super().__init__(message, errors={"parts": [message]})


class NotOnSale(NotFound):
    code, message = "variant_not_found", N_("This item is not on sale.")


class NotInCart(NotFound):
    code, message = "cart_line_not_found", N_("This item is not in your cart.")


class BadQuantity(InvalidInput):
    message = N_("The quantity is out of range.")

    def __init__(self, maximum: int):
        super().__init__(errors={"quantity": [N_("Must be between 1 and {maximum}.", maximum=maximum)]})
