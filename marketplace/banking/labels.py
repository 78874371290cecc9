"""How the back office names the codes of incoming transfers."""

from flask_babel import lazy_gettext as _l

from marketplace.banking.models import Action, OrderFoundBy, Reason, Source, TransactionStatus

REASONS = {
    Reason.PARTIAL: _l("Chuyển thiếu"),
    Reason.OVERPAID: _l("Chuyển thừa"),
    Reason.UNKNOWN_REFERENCE: _l("Không rõ nội dung"),
    Reason.ORDER_EXPIRED: _l("Đơn đã hết hạn giữ hàng"),
    Reason.ORDER_CANCELLED: _l("Đơn đã huỷ"),
    Reason.ALREADY_PAID: _l("Đơn đã được thanh toán"),
}
ACTIONS = {
    Action.CONFIRM: _l("Xác nhận đơn, ghi nhận chênh lệch"),
    Action.REFUND: _l("Chuyển trả người gửi"),
    Action.RE_RESERVE: _l("Giữ lại hàng và xác nhận đơn"),
    Action.DISMISS: _l("Bỏ qua, có ghi chú"),
}
STATUSES = {
    TransactionStatus.QUEUED: _l("Chờ xử lý"),
    TransactionStatus.MATCHED: _l("Tự khớp"),
    TransactionStatus.RESOLVED: _l("Đã xử lý"),
}
SOURCES = {Source.WEBHOOK: _l("Thông báo của ngân hàng"), Source.STATEMENT: _l("Sao kê")}
FOUND_BY = {OrderFoundBy.REFERENCE: _l("theo nội dung chuyển khoản"),
            OrderFoundBy.AMOUNT: _l("đoán theo số tiền và thời gian, cần kiểm tra")}


def labels() -> dict:
    return {"REASON_LABELS": REASONS, "ACTION_LABELS": ACTIONS, "BANK_STATUS_LABELS": STATUSES,
            "SOURCE_LABELS": SOURCES, "FOUND_BY_LABELS": FOUND_BY, "Action": Action, "Reason": Reason}
