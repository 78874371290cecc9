"""The embedded search index stores regions, groups and certifications as
small integer codes: every value the catalogue can hold needs one, and the
codes must stay distinct."""

from marketplace.catalog.certification import OtherCertification
from marketplace.catalog.models import ProductGroup
from marketplace.regions.divisions import REGIONS
from search import codes


def test_every_region_group_and_certification_has_its_own_code():
    assert set(codes.REGION_CODES) == set(REGIONS)
    assert set(codes.GROUP_CODES) == {g.value for g in ProductGroup}
    assert set(codes.CERTIFICATION_BITS) == {c.value for c in OtherCertification}
    assert len(set(codes.REGION_CODES.values())) == len(codes.REGION_CODES)
    assert len(set(codes.GROUP_CODES.values())) == len(codes.GROUP_CODES)


def test_certifications_are_single_bits_that_fit_the_column():
    bits = list(codes.CERTIFICATION_BITS.values())
    assert all(bit & (bit - 1) == 0 for bit in bits)  # one bit each
    assert len(set(bits)) == len(bits)
    assert sum(bits) < 2 ** 15  # a SMALLINT
    assert codes.certification_bits(["vietgap", "haccp"]) == codes.CERTIFICATION_BITS["vietgap"] | 8
    assert codes.certification_bits([]) == 0
