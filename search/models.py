"""Search tables: the outbox (every backend) and the embedded backend's index."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.database import UTCDateTime, utcnow
from marketplace.extensions import db


class SearchOutbox(db.Model):
    """A product whose search document must be rebuilt. Written in the same
    transaction as the change, so no change is ever lost between the database
    and the search backend."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")


class SearchDocument(db.Model):
    """The embedded backend's denormalised copy of a searchable product: every
    filter, facet and sort value, and nothing else.

    Narrow on purpose: search reads these columns for every matching row, so
    they are small integers where they can be (see search/codes.py), and the
    names live in SearchName. The text lives in the dialect's `search_fts`
    object, made by the migrations: an FTS5 table on SQLite, a table with
    stored tsvectors and GIN indexes on PostgreSQL.
    """

    __tablename__ = "search_documents"
    __table_args__ = (
        # Every filter and facet column, the facets first: a search without words
        # counts its facets by reading this index in order, never the table.
        sa.Index("ix_search_documents_facets", "province_code", "region", "group", "stars", "certifications",
                 "valid_until", "in_stock", "producer_type", "ward_code", "price_min_vnd", "price_max_vnd"),
        # Browsing without words, by relevance: the most popular first, without sorting them all.
        sa.Index("ix_search_documents_popularity", "popularity", "product_id"),
    )

    product_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    province_code: Mapped[int]
    region: Mapped[int] = mapped_column(sa.SmallInteger)           # codes.REGION_CODES
    group: Mapped[int] = mapped_column(sa.SmallInteger)            # codes.GROUP_CODES
    stars: Mapped[int | None] = mapped_column(sa.SmallInteger)     # as awarded
    valid_until: Mapped[date | None]
    certifications: Mapped[int] = mapped_column(sa.SmallInteger)   # codes.CERTIFICATION_BITS, or-ed
    in_stock: Mapped[bool]
    producer_type: Mapped[str] = mapped_column(sa.String(20))
    ward_code: Mapped[int | None] = mapped_column(index=True)
    price_min_vnd: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    price_max_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    popularity: Mapped[int] = mapped_column(default=0)
    producer_id: Mapped[int] = mapped_column(index=True)


class SearchName(db.Model):
    """A searchable product's name and its producer's, for suggestions."""

    __tablename__ = "search_names"

    product_id: Mapped[int] = mapped_column(sa.ForeignKey("search_documents.product_id", ondelete="CASCADE"),
                                            primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_folded: Mapped[str] = mapped_column(sa.String(200))
    producer_name: Mapped[str] = mapped_column(sa.String(200))
    producer_slug: Mapped[str] = mapped_column(sa.String(120))
    producer_folded: Mapped[str] = mapped_column(sa.String(200))


class SearchDocumentTag(db.Model):
    """Multi-valued filters of a document: display points and their provinces.
    (Other certifications, also multi-valued, are SearchDocument.certifications,
    a bit set, so a search reads every facet from one row.)"""

    __tablename__ = "search_document_tags"
    __table_args__ = (sa.Index("ix_search_document_tags_kind_value", "kind", "value"),)

    product_id: Mapped[int] = mapped_column(sa.ForeignKey("search_documents.product_id", ondelete="CASCADE"),
                                            primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)  # "point_province" | "point"
    value: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
