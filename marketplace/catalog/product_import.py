"""Importing the product list from a spreadsheet (CSV or XLSX), in two steps.

One row per variant (quy cách); the product's own columns repeat on each of its rows.
A row with ma_san_pham edits that product (it must be this producer's), one without
creates a draft product; rows of one new product share its name. A row with
ma_quy_cach edits that variant, one without adds a variant.

Importing is a dry run first (`check_import`): every row is checked with the API's
own schemas (catalog/schemas.py) and the domain's rules (certificates, unique GTINs),
and each bad row is reported with its line number (the header is line 1) and column.
A file with no bad row is kept in storage under a token; confirming it queues the
job catalog.apply_import (catalog/import_jobs.py), which applies it with
`apply_rows` in ONE transaction, checking it again under that transaction: it
writes every row or none. The export (catalog/product_export.py) writes the same
columns.
"""

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from marshmallow import ValidationError
from openpyxl import load_workbook

from marketplace import storage
from marketplace.catalog import schemas
from marketplace.catalog.certification import Certificate, InvalidCertificate
from marketplace.catalog.models import Product, ProductStatus, Variant
from marketplace.catalog.services import GtinTaken, ProductSlugTaken, _ensure_gtin_free, _ensure_slug_free
from marketplace.clock import today_vn
from marketplace.errors import N_, DomainError
from marketplace.extensions import db
from marketplace.producers.services import slug_from_name

PRODUCT_COLUMNS = {  # column → ProductWriteSchema field
    "ten_san_pham": "name", "nhom": "group", "tinh_xuat_xu": "origin_province_code", "mo_ta": "description",
    "chung_nhan_khac": "certifications", "han_su_dung_ngay": "shelf_life_days",
}
CERTIFICATE_COLUMNS = {"so_sao": "stars", "so_quyet_dinh": "decision_number", "cap_cong_nhan": "issuing_level",
                       "ngay_quyet_dinh": "issued_on", "hieu_luc_den": "valid_until"}
VARIANT_COLUMNS = {"quy_cach": "label", "khoi_luong_tinh": "net_quantity", "don_vi": "net_unit",
                   "gia_vnd": "price_vnd", "gtin": "gtin", "ton_kho": "stock_quantity"}
COLUMNS = ["ma_san_pham", *PRODUCT_COLUMNS, *CERTIFICATE_COLUMNS, "ma_quy_cach", *VARIANT_COLUMNS, "trang_thai"]
INTEGER_COLUMNS = {"ma_san_pham", "ma_quy_cach", "tinh_xuat_xu", "han_su_dung_ngay", "so_sao", "khoi_luong_tinh",
                   "gia_vnd", "ton_kho"}
FIELD_TO_COLUMN = {v: k for k, v in {**PRODUCT_COLUMNS, **CERTIFICATE_COLUMNS, **VARIANT_COLUMNS}.items()}
MAX_ROWS = 2000
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class ImportExpired(DomainError):
    status, code, message = 404, "import_not_found", N_("This import was not found or was already applied.")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    products_created: int = 0
    products_updated: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    token: str | None = None  # set on a clean dry run: what confirming takes

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading a file ----------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(data: bytes, filename: str) -> list[dict]:
    """The file's rows as {column: text}, each with its "_line". Raises ValueError: not a
    CSV/XLSX we can read, or no header."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            table = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ValueError(N_("The file is not a spreadsheet we can read (CSV or XLSX).")) from error
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(N_("The CSV file must be saved as UTF-8.")) from None
        table = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    if not table or not any(table[0]):
        raise ValueError(N_("The file is empty."))
    header = [h.strip().lower() for h in table[0]]
    missing = [c for c in ("ten_san_pham", "quy_cach", "gia_vnd") if c not in header]
    if missing:
        raise ValueError(N_("The header row must name the columns; missing: {columns}", columns=", ".join(missing)))
    rows = []
    for line, values in enumerate(table[1:], start=2):
        if not any(values):
            continue
        row = {name: (values[i] if i < len(values) else "") for i, name in enumerate(header) if name in COLUMNS}
        row["_line"] = line
        rows.append(row)
    if len(rows) > MAX_ROWS:
        raise ValueError(N_("At most 2000 rows per import."))
    return rows


# --- checking ---------------------------------------------------------------------------

def _typed(row: dict, columns: dict) -> dict:
    out = {}
    for column, name in columns.items():
        value = row.get(column, "")
        if value == "":
            continue
        if column in INTEGER_COLUMNS:
            compact = value.replace(".", "").replace(" ", "") if column == "gia_vnd" else value
            value = int(compact) if compact.lstrip("-").isdigit() else value
        if column == "chung_nhan_khac":
            value = [part.strip() for part in value.split(",") if part.strip()]
        out[name] = value
    return out


def _load(schema, data: dict, line: int, errors: list, **kwargs):
    try:
        return schema.load(data, **kwargs)
    except ValidationError as error:
        for name, messages in error.messages.items():
            message = messages[0] if isinstance(messages, list) else next(iter(messages.values()))[0]
            errors.append(RowError(line, FIELD_TO_COLUMN.get(name, name), str(message)))
        return None


@dataclass
class _Plan:
    product_id: int | None
    product: dict
    line: int
    given: frozenset = frozenset()  # the product fields the file gave (an edit changes only those)
    variants: list = field(default_factory=list)  # (line, variant_id or None, data)


def _plan(producer_id: int, rows: list[dict], report: ImportReport) -> list[_Plan]:
    """Check every row; the plan of what to write. Appends every problem to report.errors."""
    errors, plans, by_key, gtins, slugs = report.errors, [], {}, {}, {}
    owned = {p.id: p for p in db.session.scalars(sa.select(Product).where(Product.producer_id == producer_id))}
    for row in rows:
        line = row["_line"]
        product_id = _typed(row, {"ma_san_pham": "id"}).get("id")
        if product_id is not None and (not isinstance(product_id, int) or product_id not in owned):
            errors.append(RowError(line, "ma_san_pham", N_("No such product of yours.")))
            continue
        key = ("id", product_id) if product_id else ("name", row.get("ten_san_pham", "").strip().casefold())
        plan = by_key.get(key)
        if plan is None:
            # An edit may give only some columns (say, the prices); a new product needs them all.
            product = _load(schemas.ProductWriteSchema(), _typed(row, PRODUCT_COLUMNS), line, errors,
                            partial=bool(product_id))
            certificate = _typed(row, CERTIFICATE_COLUMNS)
            if product is not None and certificate:
                loaded = _load(schemas.CertificationInSchema(), certificate, line, errors)
                if loaded:
                    try:
                        Certificate.issue(**loaded, today=today_vn())
                        product["certification"] = loaded
                    except InvalidCertificate as refusal:
                        for name, messages in refusal.errors["json"]["certification"].items():
                            errors.append(RowError(line, FIELD_TO_COLUMN.get(name, name), messages[0]))
            if product is None:
                continue
            if not product_id:
                product["slug"] = slug_from_name(product["name"])
                if product["slug"] in slugs:
                    errors.append(RowError(line, "ten_san_pham", N_(
                        "Another new product in the file, on line {line}, has almost the same name.",
                        line=slugs[product["slug"]])))
                    continue
                slugs[product["slug"]] = line
                try:
                    _ensure_slug_free(producer_id, product["slug"])
                except ProductSlugTaken:
                    errors.append(RowError(line, "ten_san_pham",
                                           N_("You already have a product with this name; give its ma_san_pham.")))
            plan = by_key[key] = _Plan(product_id, product, line, frozenset(
                [*_typed(row, PRODUCT_COLUMNS), *(["certification"] if "certification" in product else [])]))
            plans.append(plan)
        variant_id = _typed(row, {"ma_quy_cach": "id"}).get("id")
        if variant_id is not None:
            variants = owned[product_id].variants if product_id else []
            if not isinstance(variant_id, int) or variant_id not in {v.id for v in variants}:
                errors.append(RowError(line, "ma_quy_cach", N_("No such variant of this product.")))
                continue
        variant = _load(schemas.VariantWriteSchema(), _typed(row, VARIANT_COLUMNS), line, errors,
                        partial=bool(variant_id))
        if variant is None:
            continue
        gtin = variant.get("gtin")
        if gtin:
            if gtin in gtins:
                errors.append(RowError(line, "gtin", N_("The same GTIN is on line {line}.", line=gtins[gtin])))
                continue
            gtins[gtin] = line
            try:
                _ensure_gtin_free(gtin, variant_id)
            except GtinTaken:
                errors.append(RowError(line, "gtin", N_("Already registered to another variant.")))
                continue
        if variant_id:  # an edit changes only what the file gave
            variant = {name: value for name, value in variant.items() if name in _typed(row, VARIANT_COLUMNS)}
        plan.variants.append((line, variant_id, variant))
    return plans


def _count(plans: list[_Plan], report: ImportReport) -> None:
    for plan in plans:
        if plan.product_id:
            report.products_updated += 1
        else:
            report.products_created += 1
        for _line, variant_id, _data in plan.variants:
            if variant_id:
                report.variants_updated += 1
            else:
                report.variants_created += 1


def _import_key(producer_id: int, token: str) -> str:
    return f"nhap/{producer_id}/{token}"


def check_import(producer_id: int, data: bytes, filename: str) -> ImportReport:
    """The dry run: nothing is written to the catalogue. A clean file is kept for
    confirm_import (report.token)."""
    report = ImportReport()
    try:
        rows = read_rows(data, filename)
    except ValueError as error:
        report.errors.append(RowError(1, "", str(error.args[0])))
        return report
    report.rows = len(rows)
    if not rows:
        report.errors.append(RowError(2, "", N_("The file has no product rows.")))
        return report
    plans = _plan(producer_id, rows, report)
    db.session.rollback()  # a dry run: nothing it loaded stays in the session
    if report.ok:
        _count(plans, report)
        report.token = secrets.token_hex(16)
        kind = "xlsx" if data[:4] == b"PK\x03\x04" else "csv"
        storage.put(_import_key(producer_id, report.token), kind.encode() + b"\n" + data, "application/octet-stream")
    return report


def stored_file(producer_id: int, token: str) -> str:
    """The storage key of a checked file. Raises ImportExpired (a malformed token)."""
    if not _TOKEN.match(token or ""):
        raise ImportExpired()
    return _import_key(producer_id, token)


def read_stored(key: str) -> list[dict]:
    """The rows of a checked file. Raises storage.StoredFileMissing."""
    kind, data = storage.get(key).split(b"\n", 1)
    return read_rows(data, "import." + kind.decode())


def apply_rows(producer_id: int, rows: list[dict]) -> ImportReport:
    """Check the rows again and write them, inside the caller's transaction (so all
    or none); a report with errors wrote nothing (the caller rolls back)."""
    report = ImportReport(rows=len(rows))
    plans = _plan(producer_id, rows, report)
    if not report.ok:
        return report
    _count(plans, report)
    for plan in plans:
        data = dict(plan.product)
        certification = data.pop("certification", None)
        if plan.product_id:
            product = db.session.get(Product, plan.product_id)
            for name in plan.given - {"certification"}:  # only the columns the file gave
                setattr(product, name, data[name])
        else:
            product = Product(producer_id=producer_id, status=ProductStatus.DRAFT, **data)
            db.session.add(product)
        if certification:
            product.certify(Certificate.issue(**certification, today=today_vn()))
        db.session.flush()
        for _line, variant_id, fields in plan.variants:
            if variant_id:
                variant = db.session.get(Variant, variant_id, with_for_update=True)
                stock = fields.pop("stock_quantity", None)
                for name, value in fields.items():
                    setattr(variant, name, value)
                if stock is not None:
                    variant.set_stock(stock)
            else:
                db.session.add(Variant(product=product, **fields))
        db.session.flush()
    return report
