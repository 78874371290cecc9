import time

import click
from flask.cli import AppGroup

from marketplace.extensions import db
from search import outbox
from search.documents import all_searchable_ids, documents_for
from search.service import backend

search_cli = AppGroup("search", help="Catalogue search index.")


@search_cli.command("sync")
@click.option("--loop", is_flag=True, help="Keep draining until interrupted.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds to wait when the outbox is empty.")
@click.option("--batch-size", default=500, show_default=True)
def sync(loop, interval, batch_size):
    """Drain the search outbox to the backend (failed batches are retried with backoff)."""
    index = backend()
    while True:
        counts = outbox.drain(index, batch_size)
        if counts["paused"]:
            click.echo("A reindex is running: changes wait in the outbox until it ends.")
        if counts["rows"]:
            click.echo("indexed {indexed}, removed {removed}, failed {failed}".format(**counts))
        if counts["rows"] == batch_size and not counts["failed"]:
            continue
        if not loop:
            break
        time.sleep(interval)
    click.echo(f"Outbox backlog: {outbox.backlog()}")


@search_cli.command("reindex")
@click.option("--batch-size", default=1000, show_default=True)
def reindex(batch_size):
    """Rebuild the whole index. Searches keep working while it runs."""
    index = backend()
    # First, so that every change committed from now on waits in the outbox and
    # is applied after the new index is in place (on PostgreSQL).
    outbox.lock_for_reindex()
    batches = list(all_searchable_ids(batch_size))
    total = sum(len(b) for b in batches)

    def documents():
        for ids in batches:
            docs, _removed = documents_for(ids)
            yield docs
            bar.update(len(ids))

    with click.progressbar(length=total, label="Reindexing products") as bar:
        count = index.reindex(documents())
    db.session.commit()
    click.echo(f"Indexed {count} products with the {index.name} backend.")


@search_cli.command("status")
def status():
    """Show the backend and the outbox backlog."""
    click.echo(f"Backend: {backend().name}; outbox backlog: {outbox.backlog()}")
