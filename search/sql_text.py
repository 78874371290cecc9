"""Full-text matching for the embedded backend, per database dialect.

Both index `text_folded` (diacritics stripped in Python, đ → d), so "mat ong"
finds "Mật ong". Both also look at the original text, so a query typed with
diacritics ranks exact matches above folded ones. Every word matches as a
prefix, which tolerates unfinished and some mistyped words.

The FTS5 table and the PostgreSQL GIN indexes are created by the migration.
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
    """SQLite FTS5 over a `search_fts` table whose rowid is the product id."""

    def match_expression(self, query: str) -> str:
        folded = " ".join(f'"{w}"*' for w in words(query, folded=True))
        exact = " ".join(f'"{w}"*' for w in words(query, folded=False))
        return f"({{text_folded name_folded}} : ({folded})) OR (text_exact : ({exact}))"

    def matching(self, query: str):
        """A selectable of (product_id, score): lower bm25 is better, so negate it."""
        fts = sa.table("search_fts", sa.column("rowid"))
        score = -sa.func.bm25(sa.literal_column("search_fts"), 1.0, 4.0, 3.0, 0.0)
        return (sa.select(fts.c.rowid.label("product_id"), score.label("score"))
                .where(sa.literal_column("search_fts").op("MATCH")(self.match_expression(query)))
                .subquery("matches"))

    def replace(self, conn, documents, removed_ids) -> None:
        ids = list(removed_ids) + [d.product_id for d in documents]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            conn.execute(sa.text("DELETE FROM search_fts WHERE rowid IN ({})".format(",".join(map(str, chunk)))))
        if documents:
            conn.execute(
                sa.text("INSERT INTO search_fts (rowid, text_folded, text_exact, name_folded, producer_folded) "
                        "VALUES (:id, :folded, :exact, :name, :producer)"),
                [{"id": d.product_id, "folded": d.folded_text, "exact": d.text, "name": d.folded_name,
                  "producer": d.folded_producer} for d in documents],
            )

    def clear(self, conn) -> None:
        conn.execute(sa.text("DELETE FROM search_fts"))

    def prefix_match(self, column: str, query: str):
        tokens = " ".join(f'"{w}"*' for w in words(query, folded=True))
        fts = sa.table("search_fts", sa.column("rowid"))
        return (sa.select(fts.c.rowid)
                .where(sa.literal_column("search_fts").op("MATCH")(f"{column} : ({tokens})")))


class PostgresText:
    """PostgreSQL full-text search with the 'simple' configuration over pre-folded text."""

    @staticmethod
    def _tsquery(terms: list[str]):
        return sa.func.to_tsquery("simple", " & ".join(f"{w}:*" for w in terms))

    def matching(self, query: str):
        folded_q = self._tsquery(words(query, folded=True))
        exact_q = self._tsquery(words(query, folded=False))
        folded_vector = sa.func.to_tsvector("simple", D.text_folded)
        score = (sa.func.ts_rank(folded_vector, folded_q)
                 + 4 * sa.func.ts_rank(sa.func.to_tsvector("simple", sa.func.lower(D.text)), exact_q)
                 + 3 * sa.func.ts_rank(sa.func.to_tsvector("simple", D.name_folded), folded_q))
        return (sa.select(D.product_id.label("product_id"), score.label("score"))
                .where(folded_vector.op("@@")(folded_q))
                .subquery("matches"))

    def replace(self, conn, documents, removed_ids) -> None:
        """Nothing to do: the GIN indexes follow search_documents."""

    def clear(self, conn) -> None:
        """Nothing to do."""

    def prefix_match(self, column: str, query: str):
        return (sa.select(D.product_id)
                .where(sa.func.to_tsvector("simple", getattr(D, column)).op("@@")(
                    self._tsquery(words(query, folded=True)))))


def for_dialect(name: str):
    return PostgresText() if name == "postgresql" else SqliteText()
