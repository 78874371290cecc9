"""The embedded search backend: tables in the marketplace's own database.

Needs no extra server. Changes are applied inside the writer's transaction
(see tracking.py and service.py), so the SQL index is never stale.

A search reads the matching documents once: one statement returns, for every
document that can count towards the hits or any facet, its facet values and,
for the hits alone, its sort key. The total, the five facets (each with every
filter but its own) and the page are worked out from those rows here, rather
than by one statement each, which would match the text seven times. The
display points' provinces (available_in) are counted by one more statement
over the point tags, which a document has any number of.
"""

import heapq
from collections import Counter
from datetime import date
from operator import itemgetter

import sqlalchemy as sa

from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.text import fold
from search import codes, sql_text
from search.highlight import snippet
from search.models import SearchDocument as D, SearchDocumentTag as Tag, SearchName as Name
from search.query import Hit, SearchQuery, SearchResult, Suggestion


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
        text = self._text()
        ids = list(removed_ids) + [d.product_id for d in documents]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            conn.execute(sa.delete(Tag).where(Tag.product_id.in_(chunk)))
            conn.execute(sa.delete(Name).where(Name.product_id.in_(chunk)))
            text.remove(conn, chunk)
            conn.execute(sa.delete(D).where(D.product_id.in_(chunk)))
        self._insert(conn, text, documents)

    def reindex(self, batches) -> int:
        """Replace the index in one transaction: readers see the old index until it commits."""
        conn = db.session.connection()
        text = self._text()
        conn.execute(sa.delete(Tag))
        conn.execute(sa.delete(Name))
        text.clear(conn)
        conn.execute(sa.delete(D))
        count = 0
        for documents in batches:
            self._insert(conn, text, documents)  # the index is empty: nothing to delete first
            count += len(documents)
        text.optimize(conn)
        return count

    def _insert(self, conn, text, documents) -> None:
        if not documents:
            return
        # Fold each text once, for both the document row and the full-text index.
        folded = [(d, fold(d.text), fold(d.name), fold(d.producer_name)) for d in documents]
        conn.execute(sa.insert(D), [_row(d) for d in documents])
        conn.execute(sa.insert(Name), [_names(*f) for f in folded])
        tags = [{"product_id": d.product_id, "kind": "point_province", "value": str(p)}
                for d in documents for p in d.display_point_provinces]
        tags += [{"product_id": d.product_id, "kind": "point", "value": str(p)}
                 for d in documents for p in d.display_point_ids]
        if tags:
            conn.execute(sa.insert(Tag), tags)
        text.insert(conn, folded)

    # --- reading -------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        today = today_vn()
        conn = db.session.connection()
        filters = _Filters(query, today)
        if sql_text.words(query.q, folded=True):
            groups, hits = self._match_words(conn, query, filters)
        else:
            groups = self._count_groups(conn, filters)
            hits = [Hit(product_id) for product_id in conn.execute(
                filters.where(sa.select(D.product_id), every_facet=True)
                .order_by(*_order(query.sort, today)).limit(query.per_page).offset(query.offset)).scalars()]
        total, facets = filters.facets(groups)
        facets["available_in"] = self._count_available_in(conn, query, filters)
        if query.q and hits:  # (a query without words, "?!" say, gets the start of the text)
            texts = self._text().texts(conn, [h.product_id for h in hits])
            for hit in hits:
                hit.highlight = snippet(texts.get(hit.product_id, ""), query.q)
        return SearchResult(hits=hits, total=total, facets=facets)

    def _match_words(self, conn, query: SearchQuery, filters: "_Filters"):
        """Row counts per group of facet values, and the page, from one pass over
        the documents matching the words. The sort key (bm25 for relevance) is
        computed for the hits alone: FTS5 computes bm25 only where asked."""
        source, on, match, score = self._text().source(query.q)
        key = {"relevance": score, "stars": score, "price_asc": D.price_min_vnd, "price_desc": D.price_min_vnd,
               # compared as stored (ISO text on SQLite): no conversion per row
               "newest": sa.type_coerce(D.created_at, sa.String)}[query.sort]
        stmt = filters.where(
            sa.select(*filters.group_columns, sa.case((filters.every_facet(), key), else_=None), D.product_id)
            .select_from(source).join(D, on).where(match))
        rows = conn.execute(stmt).all()
        return Counter(map(_GROUP, rows)), _page([r for r in rows if r[5] is not None], query)

    def _count_available_in(self, conn, query: SearchQuery, filters: "_Filters") -> dict[int, int]:
        """Products per province where an open display point stocks them, with every
        filter but available_in_province (one statement over the point tags)."""
        stmt = sa.select(Tag.value, sa.func.count(sa.distinct(D.product_id))).select_from(D)
        if sql_text.words(query.q, folded=True):
            source, on, match, _score = self._text().source(query.q)
            stmt = stmt.join(source, on).where(match)
        stmt = (stmt.join(Tag, Tag.product_id == D.product_id).where(Tag.kind == "point_province")
                .where(*filters.fixed_but_available_in, filters.every_facet()).group_by(Tag.value))
        return {int(province): count for province, count in conn.execute(stmt)}

    def _count_groups(self, conn, filters: "_Filters") -> Counter:
        """Row counts per group of facet values, grouped in the order of
        ix_search_documents_facets, so the database streams that index without a
        sort. Stars are grouped as awarded, with how many still count today."""
        columns = [D.province_code, D.region, D.group, D.stars, D.certifications]
        valid = sa.func.sum(sa.case((D.valid_until >= filters.today, 1), else_=0))
        groups = Counter()
        for province, region, group, stars, certifications, count, valid_count in conn.execute(
                filters.where(sa.select(*columns, sa.func.count(), valid).group_by(*columns))):
            if valid_count:
                groups[(province, region, group, stars or 0, certifications)] += valid_count
            if count - valid_count:
                groups[(province, region, group, 0, certifications)] += count - valid_count
        return groups

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        if not sql_text.words(prefix, folded=True):
            return []
        text = self._text()
        products = db.session.execute(
            sa.select(Name.product_id, Name.name).join(D, D.product_id == Name.product_id)
            .where(Name.product_id.in_(text.prefix_match("name_folded", prefix)))
            .order_by(D.popularity.desc(), Name.name, Name.product_id.desc()).limit(limit)
        ).all()
        suggestions = [Suggestion(name, "product", product_id=pid) for pid, name in products]
        if len(suggestions) < limit:
            producers = db.session.execute(
                sa.select(Name.producer_name, Name.producer_slug)
                .where(Name.product_id.in_(text.prefix_match("producer_folded", prefix)))
                .group_by(Name.producer_name, Name.producer_slug).order_by(Name.producer_name, Name.producer_slug)
                .limit(limit - len(suggestions))
            ).all()
            suggestions += [Suggestion(name, "producer", producer_slug=slug) for name, slug in producers]
        return suggestions

    def refresh(self) -> None:
        """Writes are visible as soon as they commit."""

    def ping(self) -> bool:
        return True


_GROUP = itemgetter(0, 1, 2, 3, 4)


def _stars_now(today: date):
    """The stars that count today: 0 without a valid certificate."""
    return sa.case((D.valid_until >= today, sa.func.coalesce(D.stars, 0)), else_=0)


class _Filters:
    """A search's filters: in SQL, and as tests on a row's facet values.

    Filters that are not facets (ward, producer type, price, stock, display
    point) go in the WHERE clause. Facet filters (province, region, stars,
    group, certification) are tested on each group of rows, since each facet
    is counted with every filter but its own; the WHERE clause only keeps rows
    that fail at most one of them.
    """

    # The facet values read for each group of rows, in this order.
    GROUP = ("province", "region", "group", "stars", "certification")

    def __init__(self, q: SearchQuery, today: date):
        self.query, self.today = q, today
        self.stars_now = _stars_now(today)
        self.group_columns = [D.province_code, D.region, D.group, self.stars_now, D.certifications]
        self.fixed = []
        if q.wards:
            self.fixed.append(D.ward_code.in_(q.wards))
        if q.producer_types:
            self.fixed.append(D.producer_type.in_(q.producer_types))
        if q.price_min is not None:
            self.fixed.append(D.price_max_vnd >= q.price_min)
        if q.price_max is not None:
            self.fixed.append(D.price_min_vnd <= q.price_max)
        if q.in_stock is not None:
            self.fixed.append(D.in_stock.is_(q.in_stock))
        self.fixed_but_available_in = list(self.fixed)
        if q.available_in_province is not None:
            # IN, not a correlated EXISTS: the few products stocked there are looked up by
            # id, rather than every document probing the tags.
            self.fixed.append(D.product_id.in_(sa.select(Tag.product_id).where(
                Tag.kind == "point_province", Tag.value == str(q.available_in_province))))
        # facet name → (SQL condition, position in a group's values, test on the value there)
        self.facet_filters = {}
        if q.provinces:
            self.facet_filters["province"] = (D.province_code.in_(q.provinces), 0, set(q.provinces).__contains__)
        if q.regions:
            regions = {codes.REGION_CODES[r] for r in q.regions}
            self.facet_filters["region"] = (D.region.in_(regions), 1, regions.__contains__)
        if q.groups:
            groups = {codes.GROUP_CODES[g] for g in q.groups}
            self.facet_filters["group"] = (D.group.in_(groups), 2, groups.__contains__)
        if q.stars or q.min_stars:
            allowed = {s for s in (3, 4, 5) if (not q.stars or s in q.stars) and s >= (q.min_stars or 0)}
            self.facet_filters["stars"] = (self.stars_now.in_(allowed), 3, allowed.__contains__)
        if q.certifications:
            wanted = codes.certification_bits(q.certifications)  # any of them
            self.facet_filters["certification"] = (D.certifications.op("&")(wanted) != 0, 4,
                                                   lambda bits: bits & wanted != 0)

    def every_facet(self):
        """True for a hit: a row that passes every facet filter too."""
        return sa.and_(sa.true(), *[condition for condition, _position, _test in self.facet_filters.values()])

    def where(self, stmt, every_facet: bool = False):
        """`stmt` with the fixed filters, and either every facet filter or all but one."""
        conditions = [c for c, _position, _test in self.facet_filters.values()]
        stmt = stmt.where(*self.fixed)
        if every_facet:
            return stmt.where(*conditions)
        if len(conditions) >= 2:
            stmt = stmt.where(sa.or_(*[sa.and_(*conditions[:i], *conditions[i + 1:])
                                       for i in range(len(conditions))]))
        return stmt

    def facets(self, groups: dict) -> tuple[int, dict]:
        """The total and the facet counts, from row counts per group of facet values
        (province, region code, group code, stars counting today or 0, certification bits)."""
        total = 0
        counts = {name: Counter() for name in self.GROUP}
        checks = [(name, position, test) for name, (_c, position, test) in self.facet_filters.items()]
        for values, count in groups.items():
            own = None  # the one facet filter this group fails, if any
            for name, position, test in checks:
                if not test(values[position]):
                    if own is not None:
                        break
                    own = name
            else:
                if own is None:
                    total += count
                for name, value in zip(self.GROUP, values):
                    if own is None or own == name:
                        if name == "certification":
                            for bit in _BITS[value]:
                                counts[name][bit] += count
                        elif value or name != "stars":
                            counts[name][value] += count
        return total, {name: {_decode(name, value): count for value, count in counts[name].items()}
                       for name in self.GROUP}


def _decode(facet: str, value):
    """A facet value as the API names it."""
    if facet == "region":
        return codes.REGIONS_BY_CODE[value]
    if facet == "group":
        return codes.GROUPS_BY_CODE[value]
    if facet == "certification":
        return codes.CERTIFICATIONS_BY_BIT[value]
    return value


# The single bits in each bit set of certifications.
_BITS = [[bit for bit in codes.CERTIFICATIONS_BY_BIT if bits & bit]
         for bits in range(2 * max(codes.CERTIFICATIONS_BY_BIT))]


def _page(rows, query: SearchQuery) -> list[Hit]:
    """The hits of the page asked for, from the (facet values..., sort key, product id) rows of every hit.

    The order is the one _order() gives in SQL: with words, relevance is the
    score lifted by the stars that count today; ties go to the higher product id.
    """
    end = query.offset + query.per_page
    if query.sort in ("relevance", "stars"):
        def relevance(r):
            return r[5] * (1 + 0.1 * r[3])
        key = (lambda r: (relevance(r), r[6])) if query.sort == "relevance" else (lambda r: (r[3], relevance(r), r[6]))
        top = heapq.nlargest(end, rows, key=key)
    elif query.sort == "price_asc":
        top = heapq.nsmallest(end, rows, key=lambda r: (r[5], -r[6]))
    else:  # price_desc, newest
        top = heapq.nlargest(end, rows, key=lambda r: (r[5], r[6]))
    scored = query.sort in ("relevance", "stars")
    return [Hit(r[6], float(r[5]) if scored else 0.0) for r in top[query.offset:end]]


def _order(sort: str, today: date) -> list:
    """The order of hits for a search without words (with words, _page() sorts them the same way)."""
    stars_now = _stars_now(today)
    relevance = [D.popularity.desc(), stars_now.desc()]
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
        "product_id": d.product_id, "province_code": d.province_code, "region": codes.REGION_CODES[d.region],
        "group": codes.GROUP_CODES[d.group], "stars": d.stars, "valid_until": d.certificate_valid_until,
        "certifications": codes.certification_bits(d.certifications), "in_stock": d.in_stock,
        "producer_type": d.producer_type, "ward_code": d.ward_code, "price_min_vnd": d.price_min_vnd,
        "price_max_vnd": d.price_max_vnd, "created_at": d.created_at, "popularity": d.popularity,
        "producer_id": d.producer_id,
    }


def _names(d, _folded_text: str, folded_name: str, folded_producer: str) -> dict:
    return {"product_id": d.product_id, "name": d.name, "name_folded": folded_name,
            "producer_name": d.producer_name, "producer_slug": d.producer_slug, "producer_folded": folded_producer}
