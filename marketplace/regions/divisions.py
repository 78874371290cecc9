"""Vietnam's administrative divisions in force since 1 July 2025, as shipped by
the `vietnam-provinces` package, and the six socio-economic regions that group
the provinces (vùng kinh tế - xã hội)."""

from functools import cache

from vietnam_provinces import Province, Ward

# The six socio-economic regions, keyed by a stable code.
REGIONS = {
    "northern_midlands_mountains": "Trung du và miền núi phía Bắc",
    "red_river_delta": "Đồng bằng sông Hồng",
    "north_central_central_coast": "Bắc Trung Bộ và duyên hải miền Trung",
    "central_highlands": "Tây Nguyên",
    "south_east": "Đông Nam Bộ",
    "mekong_delta": "Đồng bằng sông Cửu Long",
}

# The package has no regions, so this is the grouping itself, by the package's
# stable province codenames (post-2025 provinces).
PROVINCE_REGION = {
    "cao_bang": "northern_midlands_mountains", "tuyen_quang": "northern_midlands_mountains",
    "dien_bien": "northern_midlands_mountains", "lai_chau": "northern_midlands_mountains",
    "son_la": "northern_midlands_mountains", "lao_cai": "northern_midlands_mountains",
    "thai_nguyen": "northern_midlands_mountains", "lang_son": "northern_midlands_mountains",
    "phu_tho": "northern_midlands_mountains",
    "ha_noi": "red_river_delta", "quang_ninh": "red_river_delta", "bac_ninh": "red_river_delta",
    "hai_phong": "red_river_delta", "hung_yen": "red_river_delta", "ninh_binh": "red_river_delta",
    "thanh_hoa": "north_central_central_coast", "nghe_an": "north_central_central_coast",
    "ha_tinh": "north_central_central_coast", "quang_tri": "north_central_central_coast",
    "hue": "north_central_central_coast", "da_nang": "north_central_central_coast",
    "quang_ngai": "north_central_central_coast", "khanh_hoa": "north_central_central_coast",
    "gia_lai": "central_highlands", "dak_lak": "central_highlands", "lam_dong": "central_highlands",
    "ho_chi_minh": "south_east", "dong_nai": "south_east", "tay_ninh": "south_east",
    "dong_thap": "mekong_delta", "vinh_long": "mekong_delta", "an_giang": "mekong_delta",
    "can_tho": "mekong_delta", "ca_mau": "mekong_delta",
}


@cache
def provinces() -> dict[int, Province]:
    return {int(p.code): p for p in Province.iter_all()}


@cache
def wards() -> dict[int, Ward]:
    return {int(w.code): w for w in Ward.iter_all()}


def is_province(code: int) -> bool:
    return code in provinces()


def ward_in_province(ward_code: int, province_code: int) -> bool:
    ward = wards().get(ward_code)
    return ward is not None and int(ward.province_code) == province_code


def region_of(province_code: int) -> str:
    return PROVINCE_REGION[provinces()[province_code].codename]


def province_by_codename(codename: str) -> Province:
    return next(p for p in provinces().values() if p.codename == codename)
