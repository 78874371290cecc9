import sqlalchemy as sa

from marketplace.database import transactional
from marketplace.errors import N_, NotFound
from marketplace.extensions import db
from marketplace.regions import divisions
from marketplace.regions.models import Province, Region, Ward


@transactional
def sync_regions() -> dict[str, int]:
    """Upsert regions, provinces and wards from the vietnam-provinces package.

    Idempotent: running it again changes nothing unless the package's data changed.
    """
    existing_regions = {r.code: r for r in db.session.scalars(sa.select(Region))}
    for code, name in divisions.REGIONS.items():
        region = existing_regions.get(code) or db.session.merge(Region(code=code))
        region.name = name
    db.session.flush()

    existing_provinces = {p.code: p for p in db.session.scalars(sa.select(Province))}
    for code, source in divisions.provinces().items():
        row = existing_provinces.get(code) or Province(code=code)
        row.name, row.codename = source.name, source.codename
        row.division_type = source.division_type.value
        row.region_code = divisions.PROVINCE_REGION[source.codename]
        db.session.add(row)
    db.session.flush()

    existing_wards = {w.code: w for w in db.session.scalars(sa.select(Ward))}
    for code, source in divisions.wards().items():
        row = existing_wards.get(code) or Ward(code=code)
        row.name, row.codename = source.name, source.codename
        row.division_type = source.division_type.value
        row.province_code = int(source.province_code)
        db.session.add(row)
    return {"regions": len(divisions.REGIONS), "provinces": len(divisions.provinces()), "wards": len(divisions.wards())}


def list_provinces(region: str | None = None) -> list[Province]:
    stmt = sa.select(Province).order_by(Province.code)
    if region:
        stmt = stmt.where(Province.region_code == region)
    return db.session.scalars(stmt).all()


def list_regions() -> list[Region]:
    return db.session.scalars(sa.select(Region).order_by(Region.name)).all()


class ProvinceNotFound(NotFound):
    code, message = "province_not_found", N_("No such province.")


def list_wards(province_code: int) -> list[Ward]:
    """Raises ProvinceNotFound."""
    if db.session.get(Province, province_code) is None:
        raise ProvinceNotFound()
    return db.session.scalars(
        sa.select(Ward).where(Ward.province_code == province_code).order_by(Ward.code)
    ).all()
