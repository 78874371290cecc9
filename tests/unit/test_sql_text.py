"""How the embedded backend turns a query into full-text terms."""

from sqlalchemy.dialects import postgresql

from search.sql_text import PostgresText, SqliteText


def tsquery_text(expression) -> str:
    """The query text given to to_tsquery (after the 'simple' configuration)."""
    compiled = expression.compile(dialect=postgresql.dialect())
    return list(compiled.params.values())[-1]


def test_only_the_last_word_is_a_prefix_and_words_are_folded():
    assert SqliteText().match_expression("Mat on") == '{text_folded name_folded} : ("mat" "on"*)'


def test_a_query_with_diacritics_also_matches_the_exact_spelling():
    assert SqliteText().match_expression("mật ong") == (
        '({text_folded name_folded} : ("mat" "ong"*)) OR (text_exact : ("mật" "ong"*))')


def test_quotes_in_the_query_cannot_break_out_of_the_fts5_phrases():
    assert SqliteText().match_expression('mat" OR ong*') == '{text_folded name_folded} : ("mat" "or" "ong"*)'


def test_postgres_tsqueries_prefix_the_last_word_or_every_word_for_suggestions():
    assert tsquery_text(PostgresText._tsquery(["che", "shan", "tu"])) == "che & shan & tu:*"
    assert tsquery_text(PostgresText._tsquery(["che", "sh"], every_prefix=True)) == "che:* & sh:*"
