"""Full-text matching for the embedded backend, per database dialect.

Both index `text_folded` (diacritics stripped in Python, đ → d), so "mat ong"
finds "Mật ong". Both also look at the original text, so a query typed with
diacritics ranks exact matches above folded ones. Every word matches as a
prefix, which tolerates unfinished and some mistyped words.

The text lives in a dialect-specific `search_fts` object made by the
migration: an FTS5 table on SQLite (rowid = product id), a plain table with a
GIN index on PostgreSQL.
"""

import re

import sqlalchemy as sa

from marketplace.text import fold, normalise
from search.models import SearchDocument as D

_WORD = re.compile(r"\w+")


def words(query: str, *, folded: bool) -> list[str]:
    text = fold(query) if folded else normalise(query).lower()
    return _WORD.findall(text)[:10]


class SqliteText:
    """SQLite FTS5 over `search_fts` (rowid = product id)."""

    fts = sa.table("search_fts", sa.column("rowid"), sa.column("text_exact"))

    def match_expression(self, query: str) -> str:
        folded = " ".join(f'"{w}"*' for w in words(query, folded=True))
        exact = " ".join(f'"{w}"*' for w in words(query, folded=False))
        return f"({{text_folded name_folded}} : ({folded})) OR (text_exact : ({exact}))"

    def source(self, query: str):
        """(table, join condition with search_documents, match condition, score)."""
        match = sa.literal_column("search_fts").op("MATCH")(self.match_expression(query))
        # Lower bm25 is better, so negate it. FTS5 computes it only for the rows
        # that ask for it, so the caller can limit it to the hits.
        score = -sa.func.bm25(sa.literal_column("search_fts"), 1.0, 4.0, 3.0, 0.0)
        return self.fts, self.fts.c.rowid == D.product_id, match, score

    def texts(self, conn, product_ids) -> dict[int, str]:
        rows = conn.execute(sa.select(self.fts.c.rowid, self.fts.c.text_exact)
                            .where(self.fts.c.rowid.in_(product_ids)))
        return dict(rows.all())

    # --- writing ---

    def insert(self, conn, documents) -> None:
        """`documents`: (ProductDocument, folded text, folded name, folded producer)."""
        if documents:
            conn.exec_driver_sql(
                "INSERT INTO search_fts (rowid, text_folded, text_exact, name_folded, producer_folded) "
                "VALUES (?, ?, ?, ?, ?)",
                [(d.product_id, text, d.text, name, producer) for d, text, name, producer in documents],
            )

    def remove(self, conn, product_ids) -> None:
        conn.execute(sa.delete(self.fts).where(self.fts.c.rowid.in_(product_ids)))

    def clear(self, conn) -> None:
        conn.exec_driver_sql("DELETE FROM search_fts")

    def optimize(self, conn) -> None:
        """Merge the index into one b-tree after a full rebuild: fewer pages to read per query."""
        conn.exec_driver_sql("INSERT INTO search_fts (search_fts) VALUES ('optimize')")

    def prefix_match(self, column: str, query: str):
        tokens = " ".join(f'"{w}"*' for w in words(query, folded=True))
        fts = sa.table("search_fts", sa.column("rowid"))
        return (sa.select(fts.c.rowid)
                .where(sa.literal_column("search_fts").op("MATCH")(f"{column} : ({tokens})")))


class PostgresText:
    """PostgreSQL full-text search with the 'simple' configuration over pre-folded text."""

    fts = sa.table("search_fts", sa.column("product_id"), sa.column("text"), sa.column("text_folded"))

    @staticmethod
    def _tsquery(terms: list[str]):
        return sa.func.to_tsquery("simple", " & ".join(f"{w}:*" for w in terms))

    def source(self, query: str):
        fts = self.fts
        folded_q = self._tsquery(words(query, folded=True))
        exact_q = self._tsquery(words(query, folded=False))
        folded_vector = sa.func.to_tsvector("simple", fts.c.text_folded)
        score = (sa.func.ts_rank(folded_vector, folded_q)
                 + 4 * sa.func.ts_rank(sa.func.to_tsvector("simple", sa.func.lower(fts.c.text)), exact_q)
                 + 3 * sa.func.ts_rank(sa.func.to_tsvector("simple", D.name_folded), folded_q))
        return fts, fts.c.product_id == D.product_id, folded_vector.op("@@")(folded_q), score

    def texts(self, conn, product_ids) -> dict[int, str]:
        rows = conn.execute(sa.select(self.fts.c.product_id, self.fts.c.text)
                            .where(self.fts.c.product_id.in_(product_ids)))
        return dict(rows.all())

    def insert(self, conn, documents) -> None:
        if documents:
            conn.execute(sa.insert(self.fts), [{"product_id": d.product_id, "text": d.text, "text_folded": text}
                                               for d, text, _name, _producer in documents])

    def remove(self, conn, product_ids) -> None:
        conn.execute(sa.delete(self.fts).where(self.fts.c.product_id.in_(product_ids)))

    def clear(self, conn) -> None:
        conn.execute(sa.delete(self.fts))

    def optimize(self, conn) -> None:
        """Nothing to do: GIN indexes need no merging."""

    def prefix_match(self, column: str, query: str):
        return (sa.select(D.product_id)
                .where(sa.func.to_tsvector("simple", getattr(D, column)).op("@@")(
                    self._tsquery(words(query, folded=True)))))


def for_dialect(name: str):
    return PostgresText() if name == "postgresql" else SqliteText()
