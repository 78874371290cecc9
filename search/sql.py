"""The embedded search backend: tables in the marketplace's own database.

Needs no extra server. Changes are applied inside the writer's transaction
(see outbox.py), so the SQL index is never stale.
"""

from datetime import date

import sqlalchemy as sa

from marketplace.clock import today_vn
from marketplace.extensions import db
from search import sql_text
from search.highlight import snippet
from search.models import SearchDocument as D, SearchDocumentTag as Tag
from search.query import FACETS, Hit, SearchQuery, SearchResult, Suggestion


class SqlBackend:
    """Implements search.backend.SearchBackend."""

    name = "sql"
    applies_in_transaction = True
    unavailable_errors = ()

    def _text(self):
        return sql_text.for_dialect(db.session.get_bind().dialect.name)

    # --- writing -------------------------------------------------------------

    def apply(self, documents, removed_ids) -> None:
        conn = db.session.connection()
        ids = list(removed_ids) + [d.product_id for d in documents]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            conn.execute(sa.delete(Tag).where(Tag.product_id.in_(chunk)))
            conn.execute(sa.delete(D).where(D.product_id.in_(chunk)))
        if documents:
            conn.execute(sa.insert(D), [_row(d) for d in documents])
            tags = [{"product_id": d.product_id, "kind": "certification", "value": c}
                    for d in documents for c in d.certifications]
            tags += [{"product_id": d.product_id, "kind": "point_province", "value": str(p)}
                     for d in documents for p in d.display_point_provinces]
            tags += [{"product_id": d.product_id, "kind": "point", "value": str(p)}
                     for d in documents for p in d.display_point_ids]
            if tags:
                conn.execute(sa.insert(Tag), tags)
        self._text().replace(conn, documents, removed_ids)

    def reindex(self, batches) -> int:
        """Replace the index in one transaction: readers see the old index until it commits."""
        conn = db.session.connection()
        conn.execute(sa.delete(Tag))
        conn.execute(sa.delete(D))
        self._text().clear(conn)
        count = 0
        for documents in batches:
            self.apply(documents, [])
            count += len(documents)
        return count

    # --- reading -------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        today = today_vn()
        conditions = _filters(query, today)
        matches = self._text().matching(query.q) if sql_text.words(query.q, folded=True) else None

        def base(*columns):
            stmt = sa.select(*columns).select_from(D)
            if matches is not None:
                stmt = stmt.join(matches, matches.c.product_id == D.product_id)
            return stmt

        def where(stmt, excluding: str | None = None):
            return stmt.where(*[c for key, c in conditions.items() if key != excluding])

        total = db.session.scalar(where(base(sa.func.count())))
        score = matches.c.score if matches is not None else sa.literal(0.0)
        page = db.session.execute(
            where(base(D.product_id, D.name, D.text, score.label("score")))
            .order_by(*_order(query.sort, matches, today)).limit(query.per_page).offset(query.offset)
        ).all()
        hits = [Hit(row.product_id, float(row.score or 0), snippet(row.text, query.q) if query.q else "")
                for row in page]
        facets = {name: self._facet(name, base, where, today) for name in FACETS}
        return SearchResult(hits=hits, total=total, facets=facets)

    def _facet(self, name, base, where, today: date) -> dict:
        own_filter = _FACET_FILTER[name]
        if name == "certification":
            stmt = (base(Tag.value, sa.func.count()).join(Tag, sa.and_(Tag.product_id == D.product_id,
                                                                          Tag.kind == "certification"))
                    .group_by(Tag.value))
        else:
            column = _FACET_COLUMN[name]
            stmt = base(column, sa.func.count()).group_by(column)
            if name == "stars":
                stmt = stmt.where(D.stars.is_not(None), D.valid_until >= today)
        rows = db.session.execute(where(stmt, excluding=own_filter)).all()
        return {value: count for value, count in rows if value is not None}

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        if not sql_text.words(prefix, folded=True):
            return []
        text = self._text()
        products = db.session.execute(
            sa.select(D.product_id, D.name).where(D.product_id.in_(text.prefix_match("name_folded", prefix)))
            .order_by(D.popularity.desc(), D.name).limit(limit)
        ).all()
        suggestions = [Suggestion(name, "product", product_id=pid) for pid, name in products]
        if len(suggestions) < limit:
            producers = db.session.execute(
                sa.select(D.producer_name, D.producer_slug)
                .where(D.product_id.in_(text.prefix_match("producer_folded", prefix)))
                .group_by(D.producer_name, D.producer_slug).order_by(D.producer_name).limit(limit - len(suggestions))
            ).all()
            suggestions += [Suggestion(name, "producer", producer_slug=slug) for name, slug in producers]
        return suggestions

    def refresh(self) -> None:
        """Writes are visible as soon as they commit."""

    def ping(self) -> bool:
        return True


_FACET_COLUMN = {"province": D.province_code, "region": D.region, "stars": D.stars, "group": D.group}
_FACET_FILTER = {"province": "provinces", "region": "regions", "stars": "stars", "group": "groups",
                 "certification": "certifications"}


def _tagged(kind: str, values) -> sa.ColumnElement:
    # An alias, so it never correlates with the Tag join of the certification facet.
    tag = sa.orm.aliased(Tag)
    return sa.exists().where(tag.product_id == D.product_id, tag.kind == kind, tag.value.in_(values))


def _filters(q: SearchQuery, today: date) -> dict[str, sa.ColumnElement]:
    """Each active filter by name, so a facet can leave its own filter out."""
    valid = D.valid_until >= today
    filters = {}
    if q.provinces:
        filters["provinces"] = D.province_code.in_(q.provinces)
    if q.regions:
        filters["regions"] = D.region.in_(q.regions)
    if q.wards:
        filters["wards"] = D.ward_code.in_(q.wards)
    if q.stars or q.min_stars:
        star_conditions = [valid]
        if q.stars:
            star_conditions.append(D.stars.in_(q.stars))
        if q.min_stars:
            star_conditions.append(D.stars >= q.min_stars)
        filters["stars"] = sa.and_(*star_conditions)
    if q.groups:
        filters["groups"] = D.group.in_(q.groups)
    if q.certifications:
        filters["certifications"] = _tagged("certification", q.certifications)
    if q.producer_types:
        filters["producer_types"] = D.producer_type.in_(q.producer_types)
    if q.price_min is not None:
        filters["price_min"] = D.price_max_vnd >= q.price_min
    if q.price_max is not None:
        filters["price_max"] = D.price_min_vnd <= q.price_max
    if q.in_stock is not None:
        filters["in_stock"] = D.in_stock.is_(q.in_stock)
    if q.available_in_province is not None:
        filters["available_in_province"] = _tagged("point_province", [str(q.available_in_province)])
    return filters


def _order(sort: str, matches, today: date) -> list:
    stars_now = sa.case((D.valid_until >= today, sa.func.coalesce(D.stars, 0)), else_=0)
    # Relevance gives certified quality a gentle lift: a 4★ match outranks an equal 3★ one.
    relevance = ([(matches.c.score * (1 + 0.1 * stars_now)).desc()] if matches is not None
                 else [D.popularity.desc(), stars_now.desc()])
    orders = {
        "relevance": relevance,
        "price_asc": [D.price_min_vnd.asc()],
        "price_desc": [D.price_min_vnd.desc()],
        "newest": [D.created_at.desc()],
        "stars": [stars_now.desc(), *relevance],
    }
    return [*orders[sort], D.product_id.desc()]


def _row(d) -> dict:
    return {
        "product_id": d.product_id, "name": d.name, "name_folded": d.folded_name, "producer_id": d.producer_id,
        "producer_name": d.producer_name, "producer_slug": d.producer_slug, "producer_folded": d.folded_producer,
        "producer_type": d.producer_type, "group": d.group, "stars": d.stars, "valid_until": d.certificate_valid_until,
        "province_code": d.province_code, "ward_code": d.ward_code, "region": d.region,
        "price_min_vnd": d.price_min_vnd, "price_max_vnd": d.price_max_vnd, "in_stock": d.in_stock,
        "created_at": d.created_at, "popularity": d.popularity, "text": d.text, "text_folded": d.folded_text,
    }
