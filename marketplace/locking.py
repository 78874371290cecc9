"""Locking rows and reading them as they are once locked.

SELECT ... FOR UPDATE waits for a concurrent writer to commit and then returns
the row as that writer left it. But the ORM keeps an object already in the
session as it was first loaded: without populate_existing, a service that had
read a row before locking it would go on deciding from the stale copy, and
write that stale decision back (issue #10: the expiry job cancelled a payment
an admin had just confirmed). So every lock taken before a decision goes
through here, and the locked row, with whatever it eager-loads, is re-read.
"""

from marketplace.extensions import db


def for_update(stmt, *, of=None, key_share: bool = False):
    """`stmt` as SELECT ... FOR UPDATE whose rows overwrite the session's copies.

    `of`: the entity to lock when the statement joins others (PostgreSQL won't
    lock the nullable side of an outer join). `key_share`: FOR NO KEY UPDATE,
    which does not block inserts of rows that refer to the locked one.
    """
    return stmt.with_for_update(of=of, key_share=key_share).execution_options(populate_existing=True)


def lock_one(stmt, *, of=None, key_share: bool = False):
    """Lock the row `stmt` selects and return it as committed now (None if there is none)."""
    return db.session.scalar(for_update(stmt, of=of, key_share=key_share))
