"""Human labels for facet values (Vietnamese, as shoppers read them)."""

from marketplace.regions import divisions

GROUPS = {
    "food": "Thực phẩm", "beverages": "Đồ uống", "herbal": "Thảo dược",
    "textiles": "Vải, may mặc", "handicrafts": "Lưu niệm, nội thất, trang trí",
    "tourism": "Dịch vụ du lịch cộng đồng",
}
CERTIFICATIONS = {
    "vietgap": "VietGAP", "organic": "Hữu cơ", "gacp_who": "GACP-WHO", "haccp": "HACCP",
    "iso_22000": "ISO 22000", "geographical_indication": "Chỉ dẫn địa lý",
}


def label(facet: str, value) -> str:
    if facet in ("province", "available_in"):
        province = divisions.provinces().get(int(value))
        return province.name if province else str(value)
    if facet == "region":
        return divisions.REGIONS.get(value, value)
    if facet == "stars":
        return f"{value}★"
    if facet == "group":
        return GROUPS.get(value, value)
    return CERTIFICATIONS.get(value, value)


def facet_list(facet: str, counts: dict) -> list[dict]:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    return [{"value": value, "label": label(facet, value), "count": count} for value, count in ordered]
