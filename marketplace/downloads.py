"""CSV downloads: a table as CSV text, and the response that offers it as a file."""

import csv
import io
from collections.abc import Iterable

from flask import Response


def csv_text(columns: list[str], rows: Iterable[dict]) -> str:
    """The rows (dicts keyed by column) under a header line."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def csv_file(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
