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

    _upsert_divisions(Province, divisions.provinces(),
                      lambda source: {"region_code": divisions.PROVINCE_REGION[source.codename]})
    db.session.flush()
    _upsert_divisions(Ward, divisions.wards(), lambda source: {"province_code": int(source.province_code)})
    return {"regions": len(divisions.REGIONS), "provinces": len(divisions.provinces()), "wards": len(divisions.wards())}


def _upsert_divisions(model, sources: dict, own_columns) -> None:
    """A row of `model` (Province or Ward) for each of the package's divisions, by code: its name,
    codename and type, and the columns `own_columns(source)` gives."""
    existing = {row.code: row for row in db.session.scalars(sa.select(model))}
    for code, source in sources.items():
        row = existing.get(code) or model(code=code)
        row.name, row.codename = source.name, source.codename
        row.division_type = source.division_type.value
        for column, value in own_columns(source).items():
            setattr(row, column, value)
        db.session.add(row)


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
