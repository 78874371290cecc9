"""Importing a bank statement (CSV, or XLSX as banks export it) for banks without notifications.

Each credit row goes through the same intake as a notification (intake.record),
one transaction per row: a row either pays its order, waits in the queue, or
is a duplicate of a transfer already recorded (by the bank's reference) and
changes nothing. So importing the same statement twice, or one that overlaps
the notifications, is harmless, and a file that failed halfway is fixed by
importing it again. Debit rows (money out) are skipped and counted.

Statements begin with a few lines about the account before the table; the
header row is the first that names the columns we need, in any of the usual
spellings (Vietnamese or English, with or without diacritics, any case).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from openpyxl import load_workbook

from marketplace import audit
from marketplace.banking import intake
from marketplace.banking.intake import BankReferenceReused, IncomingTransfer
from marketplace.banking.models import Source, TransactionStatus
from marketplace.clock import VIETNAM_TZ
from marketplace.database import transactional
from marketplace.errors import N_, InvalidInput
from marketplace.text import fold

MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 30

# Column → the headings banks give it, folded (no diacritics, lower case, letters and digits only).
HEADINGS = {
    "occurred_at": {"ngaygiaodich", "ngaygd", "ngay", "thoigian", "thoigiangiaodich", "ngayhieuluc", "ngayghiso",
                    "transactiondate", "date", "datetime", "valuedate", "postingdate", "bookingdate"},
    "bank_reference": {"sothamchieu", "mathamchieu", "magiaodich", "sogiaodich", "soct", "sobuttoan", "reference",
                       "referencenumber", "referenceno", "refno", "ref", "transactionid", "transactionno"},
    "credit": {"sotienghico", "ghico", "co", "sotienco", "psco", "credit", "creditamount", "amountcredit",
               "sotien", "amount"},
    "debit": {"sotienghino", "ghino", "no", "sotienno", "psno", "debit", "debitamount"},
    "description": {"noidung", "noidunggiaodich", "diengiai", "mota", "noidungchuyenkhoan", "description",
                    "details", "transactiondetails", "narrative", "remarks"},
}
REQUIRED = ("occurred_at", "bank_reference", "credit", "description")


class UnreadableStatement(InvalidInput):
    def __init__(self, message: str):
        super().__init__(message, errors={"file": [message]})


@dataclass(frozen=True)
class RowError:
    line: int  # as the spreadsheet numbers it
    message: str


@dataclass
class ImportSummary:
    rows: int = 0
    matched: int = 0
    queued: int = 0
    duplicates: int = 0
    debits: int = 0  # money out: not ours to match
    errors: list[RowError] = field(default_factory=list)


def _heading(text) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(str(text or "")))


def _table(data: bytes, filename: str) -> list[list]:
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise UnreadableStatement(N_("The file is not a statement we can read (CSV or XLSX).")) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableStatement(N_("The CSV file must be saved as UTF-8.")) from None
    sample = text[:20_000]
    delimiter = max((",", ";", "\t"), key=sample.count)  # banks and spreadsheet locales differ
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _columns(table: list[list]) -> tuple[int, dict[str, int]]:
    """The header row's index and each needed column's position. Raises UnreadableStatement."""
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        found = {}
        for position, cell in enumerate(row):
            for column, headings in HEADINGS.items():
                if column not in found and _heading(cell) in headings:
                    found[column] = position
                    break
        if all(column in found for column in REQUIRED):
            return index, found
    raise UnreadableStatement(N_("No header row names the date, reference, credit and description columns."))


def parse_amount(value) -> int | None:
    """Whole đồng from a cell: 1500000, "1.500.000", "1,500,000", "1.500.000,00 VND". None if empty.
    Raises ValueError for anything else (a fraction of a đồng among them)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != int(value):
            raise ValueError(value)
        return int(value)
    text = re.sub(r"(?i)\s|vnd|₫|đ", "", str(value))
    if text in ("", "-"):
        return None
    sign = -1 if text[0] == "-" else 1  # a single signed amount column: below zero is money out
    text = text.lstrip("+-")
    whole, fraction = text, ""
    decimal = re.search(r"[.,](\d{1,2})$", text)
    if decimal:  # "1.500.000,00": a decimal part, which must be nothing
        whole, fraction = text[:decimal.start()], decimal.group(1)
    if fraction.strip("0") or not re.fullmatch(r"\d{1,3}([.,]\d{3})*|\d+", whole):
        raise ValueError(value)
    return sign * int(re.sub(r"[.,]", "", whole))


_DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y",
                 "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%y")


def parse_when(value) -> datetime:
    """The instant of a statement's date cell, in Vietnam time when it names no zone. A date
    without a time is taken as the end of that day (the transfer was made by then). Raises ValueError."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(23, 59, 59))
    else:
        text = str(value or "").strip()
        for pattern in _DATE_FORMATS:
            try:
                moment = datetime.strptime(text, pattern)
            except ValueError:
                continue
            if "%H" not in pattern:
                moment = datetime.combine(moment.date(), time(23, 59, 59))
            break
        else:
            moment = datetime.fromisoformat(text)
    if not 2000 <= moment.year <= 2100:
        raise ValueError(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM_TZ)


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value if value is not None else "")).strip()


def _transfer(row: list, columns: dict[str, int]) -> IncomingTransfer | None:
    """The row as a transfer, or None for a debit. Raises ValueError with a message for the admin."""
    def cell(column: str):
        position = columns.get(column)
        return row[position] if position is not None and position < len(row) else None

    try:
        credit = parse_amount(cell("credit"))
        debit = parse_amount(cell("debit"))
    except ValueError:
        raise ValueError(N_("The amount is not a whole number of đồng.")) from None
    if credit is not None and credit < 0 or not credit and debit:
        return None  # money out
    if not credit:
        raise ValueError(N_("No amount credited."))
    reference = _text(cell("bank_reference"))[:120]
    if not reference:
        raise ValueError(N_("No bank reference."))
    try:
        occurred_at = parse_when(cell("occurred_at"))
    except (ValueError, TypeError):
        raise ValueError(N_("The date is not one we can read (e.g. 05/12/2026 14:02).")) from None
    return IncomingTransfer(bank_reference=reference, amount_vnd=credit, description=_text(cell("description"))[:500],
                            occurred_at=occurred_at)


def import_statement(data: bytes, filename: str, admin_id: int | None) -> ImportSummary:
    """Record every credit row of the statement (each in its own transaction, see
    above) and return what became of them. Raises UnreadableStatement: not a
    CSV/XLSX, no header row, too many rows (nothing is recorded then)."""
    table = _table(data, filename)
    header, columns = _columns(table)
    lines = [(number, row) for number, row in enumerate(table[header + 1:], start=header + 2)
             if any(_text(value) for value in row)]
    if len(lines) > MAX_ROWS:
        raise UnreadableStatement(N_("At most 5000 rows per statement."))
    summary = ImportSummary(rows=len(lines))
    for number, row in lines:
        try:
            transfer = _transfer(row, columns)
            if transfer is None:
                summary.debits += 1
                continue
            recorded = intake.record(transfer, Source.STATEMENT)
        except ValueError as error:
            summary.errors.append(RowError(number, str(error)))
            continue
        except BankReferenceReused as error:
            summary.errors.append(RowError(number, str(error)))
            continue
        if recorded.duplicate:
            summary.duplicates += 1
        elif recorded.transaction.status is TransactionStatus.MATCHED:
            summary.matched += 1
        else:
            summary.queued += 1
    _audit(filename, summary, admin_id)
    return summary


@transactional
def _audit(filename: str, summary: ImportSummary, admin_id: int | None) -> None:
    audit.record("bank_statement.imported", "bank_statement", filename[:100] or "-", admin_id, rows=summary.rows,
                 matched=summary.matched, queued=summary.queued, duplicates=summary.duplicates,
                 debits=summary.debits, errors=len(summary.errors))
