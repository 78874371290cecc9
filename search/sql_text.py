"""Full-text matching for the embedded backend, per database dialect.

Both index `text_folded` (diacritics stripped in Python, đ → d), so "mat ong"
finds "Mật ong". Both also look at the original text, so a query typed with
diacritics ranks exact matches above folded ones.

The last word matches as a prefix, since it may be unfinished ("mat on"
finds "Mật ong"); the others as whole words. (As search engines do by default:
with every word a prefix, short words such as "ca" or "tra" would match tens
of thousands of products with every word they begin, and rank them all.)
Suggestions match every word as a prefix of a name.

The text lives in a dialect-specific `search_fts` object made by the
migrations: an FTS5 table on SQLite (rowid = product id), a table with stored
tsvectors and a GIN index on PostgreSQL.
"""

import re

import sqlalchemy as sa

from marketplace.text import normalise
from search.models import SearchDocument as D, SearchName as Name
from search.query import MAX_WORDS, words as query_words

_WORD = re.compile(r"\w+")


def words(query: str, *, folded: bool) -> list[str]:
    """The query's words (search.query.words), folded or as typed (lower case)."""
    if folded:
        return query_words(query)
    return _WORD.findall(normalise(query).lower())[:MAX_WORDS]


def _phrases(terms: list[str]) -> str:
    """FTS5 terms: whole words, and the last one as a prefix (it may be unfinished)."""
    return " ".join([f'"{w}"' for w in terms[:-1]] + [f'"{terms[-1]}"*'])


class SqliteText:
    """SQLite FTS5 over `search_fts` (rowid = product id)."""

    fts = sa.table("search_fts", sa.column("rowid"), sa.column("text_exact"))

    def match_expression(self, query: str) -> str:
        folded_words, exact_words = words(query, folded=True), words(query, folded=False)
        folded = f"{{text_folded name_folded}} : ({_phrases(folded_words)})"
        if exact_words == folded_words:  # no diacritics typed: every exact match is a folded match
            return folded
        return f"({folded}) OR (text_exact : ({_phrases(exact_words)}))"

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
    """PostgreSQL full-text search with the 'simple' configuration over pre-folded
    text, in `search_fts` with its tsvectors stored (folded text, lower-cased
    original text, folded name)."""

    fts = sa.table("search_fts", sa.column("product_id"), sa.column("text"), sa.column("text_folded"),
                   sa.column("name_folded"), sa.column("folded_vector"), sa.column("exact_vector"),
                   sa.column("name_vector"))

    @staticmethod
    def _tsquery(terms: list[str], *, every_prefix: bool = False):
        """Every word; the last one (or with every_prefix, each) as a prefix."""
        last = len(terms) - 1
        return sa.func.to_tsquery("simple", " & ".join(
            f"{w}:*" if every_prefix or i == last else w for i, w in enumerate(terms)))

    def source(self, query: str):
        """(table, join condition with search_documents, match condition, score)."""
        fts = self.fts
        folded_q = self._tsquery(words(query, folded=True))
        exact_q = self._tsquery(words(query, folded=False))
        score = (sa.func.ts_rank(fts.c.folded_vector, folded_q)
                 + 4 * sa.func.ts_rank(fts.c.exact_vector, exact_q)
                 + 3 * sa.func.ts_rank(fts.c.name_vector, folded_q))
        return fts, fts.c.product_id == D.product_id, fts.c.folded_vector.op("@@")(folded_q), score

    def texts(self, conn, product_ids) -> dict[int, str]:
        rows = conn.execute(sa.select(self.fts.c.product_id, self.fts.c.text)
                            .where(self.fts.c.product_id.in_(product_ids)))
        return dict(rows.all())

    def insert(self, conn, documents) -> None:
        if documents:
            conn.execute(sa.insert(self.fts), [
                {"product_id": d.product_id, "text": d.text, "text_folded": text, "name_folded": name}
                for d, text, name, _producer in documents])

    def remove(self, conn, product_ids) -> None:
        conn.execute(sa.delete(self.fts).where(self.fts.c.product_id.in_(product_ids)))

    def clear(self, conn) -> None:
        conn.execute(sa.delete(self.fts))

    def optimize(self, conn) -> None:
        """Nothing to do: GIN indexes need no merging."""

    def prefix_match(self, column: str, query: str):
        """Ids of the products whose `column` of search_names has every word as a prefix."""
        return (sa.select(Name.product_id)
                .where(sa.func.to_tsvector("simple", getattr(Name, column)).op("@@")(
                    self._tsquery(words(query, folded=True), every_prefix=True))))


def for_dialect(name: str):
    return PostgresText() if name == "postgresql" else SqliteText()
