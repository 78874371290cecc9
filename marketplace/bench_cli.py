"""`flask --app wsgi bench ...`: benchmarks, run on scratch databases only.

The benchmark code lives in tests/benchmarks/ (it is test code, not shipped),
so it is imported lazily and only when a benchmark runs.
"""

import importlib
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

bench_cli = AppGroup("bench", help="Benchmarks (on a temporary or scratch database, never the app's own).")


def _benchmark(module: str):
    """Import tests.benchmarks.<module>. `flask --app wsgi` puts the working directory
    on sys.path; from anywhere else, fall back to the checkout this package came from."""
    try:
        return importlib.import_module(f"tests.benchmarks.{module}")
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("tests"):
            raise
    root = Path(__file__).resolve().parent.parent
    if not (root / "tests" / "benchmarks").is_dir():
        raise click.ClickException("The benchmarks need a source checkout: run this from the repository root.")
    sys.path.insert(0, str(root))
    return importlib.import_module(f"tests.benchmarks.{module}")


@bench_cli.command("search")
@click.option("--products", default=100_000, show_default=True, type=click.IntRange(min=1),
              help="Size of the generated catalogue.")
@click.option("--queries", default=1000, show_default=True, type=click.IntRange(min=5),
              help="Searches to time, spread over five types (plus a fifth as many suggestions).")
@click.option("--seed", default=42, show_default=True, help="Seed for the catalogue and the query mix.")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(min=1),
              help="Documents per backend call while indexing.")
@click.option("--database-url", default=None, metavar="URL",
              help="Benchmark on this database instead of a temporary SQLite file. IT IS WIPED FIRST.")
@click.option("--yes", is_flag=True, help="Do not ask before wiping --database-url.")
@click.option("--keep", is_flag=True, help="Keep the temporary SQLite database (to inspect query plans).")
def search(products, queries, seed, batch_size, database_url, yes, keep):
    """Index a synthetic OCOP catalogue into the SQL search backend and time a fixed query mix."""
    if database_url and not yes:
        click.confirm(f"Everything in {database_url} will be deleted. Continue?", abort=True)
    bench = _benchmark("search_bench")
    bench.run(bench.Options(products=products, queries=queries, seed=seed, database_url=database_url,
                            batch_size=batch_size, keep=keep), echo=click.echo)


@bench_cli.command("showroom")
@click.option("--variants", default=5_000, show_default=True, type=click.IntRange(min=10))
@click.option("--movements", default=1_000_000, show_default=True, type=click.IntRange(min=100))
@click.option("--samples", default=300, show_default=True, type=click.IntRange(min=10),
              help="Timed repetitions of each operation.")
@click.option("--seed", default=7, show_default=True)
@click.option("--database-url", default=None, metavar="URL",
              help="Benchmark on this database instead of a temporary SQLite file. IT IS WIPED FIRST.")
@click.option("--yes", is_flag=True, help="Do not ask before wiping --database-url.")
def showroom(variants, movements, samples, seed, database_url, yes):
    """A display point with 5,000 variants and 1,000,000 movements: stock view, near-expiry list, till sale."""
    if database_url and not yes:
        click.confirm(f"Everything in {database_url} will be deleted. Continue?", abort=True)
    bench = _benchmark("showroom_bench")
    bench.run(bench.Options(variants=variants, movements=movements, samples=samples, seed=seed,
                            database_url=database_url), echo=click.echo)


@bench_cli.command("checkout")
@click.option("--database-url", required=True, metavar="URL",
              help="A PostgreSQL database to benchmark on (created if missing). IT IS WIPED FIRST.")
@click.option("--buyers", default=8, show_default=True, type=click.IntRange(min=1, max=64),
              help="Concurrent buyers, each a process of its own.")
@click.option("--checkouts", default=3000, show_default=True, type=click.IntRange(min=10),
              help="Checkouts against uncontested stock.")
@click.option("--contested", default=1000, show_default=True, type=click.IntRange(min=0),
              help="Checkouts whose carts also hold one of a few nearly sold-out variants.")
@click.option("--seed", default=11, show_default=True)
@click.option("--pgbench-seconds", default=10, show_default=True, type=click.IntRange(min=1),
              help="How long pgbench runs for the comparison (when it is on the PATH).")
@click.option("--yes", is_flag=True, help="Do not ask before wiping --database-url.")
def checkout(database_url, buyers, checkouts, contested, seed, pgbench_seconds, yes):
    """Concurrent buyers checking out 1–4 producers' carts (service level, PostgreSQL), beside pgbench."""
    if not yes:
        click.confirm(f"Everything in {database_url} will be deleted. Continue?", abort=True)
    bench = _benchmark("checkout_bench")
    bench.run(bench.Options(database_url=database_url, buyers=buyers, checkouts=checkouts, contested=contested,
                            seed=seed, pgbench_seconds=pgbench_seconds), echo=click.echo)


@bench_cli.command("checkout-profile")
@click.option("--database-url", required=True, metavar="URL",
              help="A PostgreSQL database to profile on (created if missing). IT IS WIPED FIRST.")
@click.option("--checkouts", default=300, show_default=True, type=click.IntRange(min=10),
              help="Checkouts measured (and as many again under cProfile).")
@click.option("--top", default=25, show_default=True, type=click.IntRange(min=1),
              help="How many functions of the profile to print.")
@click.option("--seed", default=11, show_default=True)
@click.option("--yes", is_flag=True, help="Do not ask before wiping --database-url.")
def checkout_profile(database_url, checkouts, top, seed, yes):
    """One buyer's checkouts, one after another: statements, Python and server CPU per checkout, and a profile."""
    if not yes:
        click.confirm(f"Everything in {database_url} will be deleted. Continue?", abort=True)
    bench = _benchmark("checkout_profile")
    bench.run(bench.Options(database_url=database_url, checkouts=checkouts, top=top, seed=seed), echo=click.echo)


@bench_cli.command("pages")
@click.option("--samples", default=200, show_default=True, type=click.IntRange(min=10),
              help="Timed requests per page.")
def pages(samples):
    """Server time and compressed weight of the home, search, producer and product pages, on the demo."""
    bench = _benchmark("pages_bench")
    bench.run(bench.Options(samples=samples), echo=click.echo)
