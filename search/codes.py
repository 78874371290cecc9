"""Small integer codes for the embedded backend's facet columns.

A search reads the facet values of every matching document; integers cost
SQLite and Python far less to read, compare and count than strings do. The
codes are part of the stored index: never renumber one, only add. (A new
region, group or certification without a code fails a unit test.)

Certifications are a bit set, since a product may have several.
"""

REGION_CODES = {
    "northern_midlands_mountains": 1,
    "red_river_delta": 2,
    "north_central_central_coast": 3,
    "central_highlands": 4,
    "south_east": 5,
    "mekong_delta": 6,
}

GROUP_CODES = {
    "food": 1,
    "beverages": 2,
    "herbal": 3,
    "textiles": 4,
    "handicrafts": 5,
    "tourism": 6,
}

CERTIFICATION_BITS = {
    "vietgap": 1,
    "organic": 2,
    "gacp_who": 4,
    "haccp": 8,
    "iso_22000": 16,
    "geographical_indication": 32,
}

REGIONS_BY_CODE = {code: name for name, code in REGION_CODES.items()}
GROUPS_BY_CODE = {code: name for name, code in GROUP_CODES.items()}
CERTIFICATIONS_BY_BIT = {bit: name for name, bit in CERTIFICATION_BITS.items()}


def certification_bits(certifications) -> int:
    bits = 0
    for certification in certifications:
        bits |= CERTIFICATION_BITS[certification]
    return bits
