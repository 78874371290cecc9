"""The product list as a spreadsheet, CSV or XLSX: one row per variant (quy cách),
the product's own columns repeated on each of its rows; what the import reads back
(catalog/product_import.py)."""

import csv
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook

from marketplace.catalog.product_import import COLUMNS
from marketplace.catalog.services import list_products


@dataclass(frozen=True)
class Exported:
    data: bytes
    mimetype: str
    filename: str


def _export_rows(producer_id: int):
    products = list_products(producer_id, None, 1, 100_000).items
    for product in products:
        common = [product.id, product.name, product.group.value, product.origin_province_code, product.description,
                  ",".join(product.certifications or []), product.shelf_life_days, product.ocop_stars,
                  product.ocop_decision_number, product.ocop_issuing_level.value if product.ocop_issuing_level else None,
                  product.ocop_issued_on, product.ocop_valid_until]
        for variant in product.variants or [None]:
            if variant is None:
                yield [*common, None, None, None, None, None, None, None, product.status.value]
                continue
            yield [*common, variant.id, variant.label, variant.net_quantity, variant.net_unit.value,
                   variant.price_vnd, variant.gtin, variant.stock_quantity, product.status.value]


def export_products(producer_id: int, format: str) -> Exported:
    rows = list(_export_rows(producer_id))
    if format == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "san_pham"
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return Exported(out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "san-pham.xlsx")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in row])
    # With a BOM, Excel opens the file as UTF-8 (Vietnamese stays readable).
    return Exported(("\ufeff" + text.getvalue()).encode(), "text/csv", "san-pham.csv")
