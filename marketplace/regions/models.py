"""Reference tables for regions, provinces and wards, loaded from vietnam-provinces
by `flask --app wsgi regions sync` (and by `demo load`)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db


class Region(db.Model):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))


class Province(db.Model):
    __tablename__ = "provinces"

    code: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(80))
    codename: Mapped[str] = mapped_column(sa.String(80), unique=True)
    division_type: Mapped[str] = mapped_column(sa.String(40))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)

    region: Mapped[Region] = relationship(lazy="joined")


class Ward(db.Model):
    __tablename__ = "wards"

    code: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(80))
    codename: Mapped[str] = mapped_column(sa.String(80))
    division_type: Mapped[str] = mapped_column(sa.String(40))
    province_code: Mapped[int] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
