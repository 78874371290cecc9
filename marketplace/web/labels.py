"""Translated labels for the domain's codes, as the pages show them."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

GROUPS = {
    "food": _l("Thực phẩm"), "beverages": _l("Đồ uống"), "herbal": _l("Thảo dược"),
    "textiles": _l("Vải, may mặc"), "handicrafts": _l("Lưu niệm, nội thất, trang trí"),
    "tourism": _l("Dịch vụ du lịch cộng đồng"),
}
REGIONS = {
    "northern_midlands_mountains": _l("Trung du và miền núi phía Bắc"),
    "red_river_delta": _l("Đồng bằng sông Hồng"),
    "north_central_central_coast": _l("Bắc Trung Bộ và duyên hải miền Trung"),
    "central_highlands": _l("Tây Nguyên"),
    "south_east": _l("Đông Nam Bộ"),
    "mekong_delta": _l("Đồng bằng sông Cửu Long"),
}
LEGAL_TYPES = {
    "cooperative": _l("Hợp tác xã"), "enterprise": _l("Doanh nghiệp"), "household": _l("Hộ kinh doanh"),
}
ISSUING_LEVELS = {"provincial": _l("Cấp tỉnh"), "central": _l("Cấp trung ương")}
CERTIFICATIONS = {
    "vietgap": "VietGAP", "organic": _l("Hữu cơ"), "gacp_who": "GACP-WHO", "haccp": "HACCP",
    "iso_22000": "ISO 22000", "geographical_indication": _l("Chỉ dẫn địa lý"),
}
PRODUCER_STATUSES = {"pending": _l("Chờ duyệt"), "approved": _l("Đã duyệt"), "suspended": _l("Tạm ngừng")}
PAYOUT_STATUSES = {"in_transit": _l("Đang chuyển"), "paid": _l("Đã trả"), "failed": _l("Thất bại")}
PAYOUT_RAILS = {"bank_transfer": _l("Chuyển khoản ngân hàng"), "stripe_connect": "Stripe Connect"}
SORTS = {
    "relevance": _l("Phù hợp nhất"), "price_asc": _l("Giá tăng dần"), "price_desc": _l("Giá giảm dần"),
    "newest": _l("Mới nhất"), "stars": _l("Nhiều sao nhất"),
}


def choices(labels: dict) -> list[SelectChoice]:
    """A select's (or radio field's) options from a table of labels, in the table's order."""
    return [SelectChoice(value, label) for value, label in labels.items()]


def facet_label(facet: str, value, fallback: str) -> str:
    table = {"group": GROUPS, "region": REGIONS, "certification": CERTIFICATIONS}.get(facet)
    if table and value in table:
        return str(table[value])
    return fallback


def init_app(app) -> None:
    app.jinja_env.globals.update(GROUP_LABELS=GROUPS, REGION_LABELS=REGIONS, LEGAL_TYPE_LABELS=LEGAL_TYPES,
                                 ISSUING_LEVEL_LABELS=ISSUING_LEVELS, CERTIFICATION_LABELS=CERTIFICATIONS,
                                 SORT_LABELS=SORTS, facet_label=facet_label,
                                 PRODUCER_STATUS_LABELS=PRODUCER_STATUSES, PAYOUT_STATUS_LABELS=PAYOUT_STATUSES,
                                 PAYOUT_RAIL_LABELS=PAYOUT_RAILS)
