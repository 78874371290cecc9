"""Storefront pages benchmark: server time and weight of the shopper's pages.

Run it as a command, from the repository root:

    flask --app wsgi bench pages [--samples 200]

It loads the demo into a temporary SQLite database (never the app's own) and,
for the home, search, producer storefront and product pages, times the whole
request through the app (routing, the use case, templates, headers) with the
test client, in Vietnamese. It prints p50/p95/p99 server time per page, and
each page's own weight: the HTML plus the CSS and JS it links, gzip-compressed
as a server would send them (images aside).
Targets (issue #12): p95 ≤ 50 ms per page; ≤ 100 KB compressed per page.
"""

import gzip
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass

from tests.benchmarks.search_bench import make_app, percentile

ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


@dataclass
class Options:
    samples: int = 200


def run(options: Options, echo=print) -> None:
    scratch = tempfile.mkdtemp(prefix="ocop-pages-bench-")
    try:
        _run(options, f"sqlite:///{os.path.join(scratch, 'bench.db')}", echo, images=os.path.join(scratch, "anh"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run(options: Options, url: str, echo, images: str) -> None:
    from flask_migrate import upgrade

    from marketplace.catalog.models import Product
    from marketplace.demo.loader import load_demo
    from marketplace.extensions import db

    app = make_app(url)
    app.config["STORAGE_DIR"] = images  # the demo's photos go with the scratch database
    with app.app_context():
        upgrade()
        load_demo()
        honey = db.session.scalar(db.select(Product).where(Product.name == "Mật ong hoa ban"))
        pages = {"home": "/", "search": "/tim-kiem?q=mat+ong",
                 "search, filtered": "/tim-kiem?q=mat+ong&province=11&stars=4",
                 "producer": f"/nha-san-xuat/{honey.producer.slug}", "product": f"/san-pham/{honey.id}/{honey.slug}"}
        db.session.remove()
    client = app.test_client()
    echo(f"demo loaded; {options.samples} requests per page, Vietnamese, SQLite")
    echo(f"  {'page':<18} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'HTML+CSS+JS gzip KB':>20}")
    for name, path in pages.items():
        first = client.get(path, headers={"Accept-Language": "vi"})
        assert first.status_code == 200, f"{path} answered {first.status_code}"
        html = first.get_data()
        assets = [client.get(href).get_data() for href in ASSET.findall(html.decode())]
        weight = sum(len(gzip.compress(body)) for body in [html, *assets]) / 1024
        times = []
        for _ in range(options.samples):
            began = time.perf_counter()
            client.get(path, headers={"Accept-Language": "vi"})
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        echo(f"  {name:<18} {percentile(times, 50):>7.2f} {percentile(times, 95):>7.2f} "
             f"{percentile(times, 99):>7.2f} {weight:>20.1f}")
    echo("  targets: p95 ≤ 50 ms per page; ≤ 100 KB compressed per page (images aside)")
