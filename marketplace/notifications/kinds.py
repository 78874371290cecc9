"""Every notification the marketplace sends: who gets it, and what it says.

Subjects and lines are Vietnamese msgids, translated when the job renders the
mail in the recipient's language; {placeholders} come from the trigger.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    audience: str  # "producer", "shopper", "admin" or "security"
    label: object
    subject: object
    line: object

    @property
    def security(self) -> bool:
        """Security mail is always sent: no one may opt out of it."""
        return self.audience == "security"


KINDS = {
    "new_sub_order": Kind("producer", _l("Đơn hàng mới"), _l("Đơn hàng mới {number}"),
                          _l("Bạn có đơn hàng mới {number}: {total}.")),
    "sub_order_cancelled": Kind("producer", _l("Đơn hàng bị huỷ"), _l("Đơn hàng {number} đã bị huỷ"),
                                _l("Đơn hàng {number} đã bị huỷ. Lý do: {reason}")),
    "payout_paid": Kind("producer", _l("Đã chuyển tiền thanh toán"), _l("Đã chuyển {amount} cho bạn"),
                        _l("Khoản thanh toán {amount} đã được chuyển vào tài khoản của bạn.")),
    "certificate_expiring": Kind("producer", _l("Chứng nhận OCOP sắp hết hạn"),
                                 _l("Chứng nhận OCOP của {product} hết hạn sau {days} ngày"),
                                 _l("Chứng nhận OCOP của {product} hết hạn ngày {valid_until}. Hãy gia hạn.")),
    "point_stock_low": Kind("producer", _l("Sắp hết hàng tại điểm bán"), _l("{product} sắp hết tại {point}"),
                            _l("{product} chỉ còn {quantity} tại {point}.")),
    "order_placed": Kind("shopper", _l("Đặt hàng thành công"), _l("Đã nhận đơn hàng {number}"),
                         _l("Cảm ơn bạn! Chúng tôi đã nhận đơn hàng {number}: {total}.")),
    "order_paid": Kind("shopper", _l("Đã thanh toán"), _l("Đơn hàng {number} đã được thanh toán"),
                       _l("Đơn hàng {number} đã được thanh toán.")),
    "sub_order_shipped": Kind("shopper", _l("Đã gửi hàng"), _l("Đơn hàng {number} đang được giao"),
                              _l("Đơn hàng {number} đã gửi qua {carrier}, mã vận đơn {tracking}.")),
    "sub_order_delivered": Kind("shopper", _l("Đã giao hàng"), _l("Đơn hàng {number} đã giao"),
                                _l("Đơn hàng {number} đã được giao.")),
    "refund_recorded": Kind("shopper", _l("Hoàn tiền"), _l("Hoàn {amount} cho đơn hàng {number}"),
                            _l("Chúng tôi đã hoàn {amount} cho đơn hàng {number}.")),
    "producer_to_review": Kind("admin", _l("Chủ thể mới cần duyệt"), _l("Chủ thể mới cần duyệt: {name}"),
                               _l("{name} đã đăng ký và chờ được duyệt.")),
    "certificate_to_check": Kind("admin", _l("Chứng nhận cần kiểm tra"), _l("Chứng nhận cần kiểm tra: {product}"),
                                 _l("Chứng nhận OCOP của {product} chờ được kiểm tra.")),
    "password_changed": Kind("security", _l("Mật khẩu đã đổi"), _l("Mật khẩu của bạn đã được đổi"),
                             _l("Mật khẩu tài khoản của bạn vừa được đổi. Nếu không phải bạn, hãy đặt lại ngay.")),
}


def choosable(audience: set[str]) -> list[str]:
    """The kinds an account in these audiences may switch off."""
    return [name for name, kind in KINDS.items() if kind.audience in audience]
