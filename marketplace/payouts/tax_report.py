"""The monthly declaration of the tax withheld for household businesses (Decree 117/2025/NĐ-CP):
per producer, the goods' revenue taxed, the VAT and the PIT withheld, read from the ledger.

A month is a Vietnamese calendar month, and an amount belongs to the month its entry was
written in: a refund is declared in the month it was made, as negative amounts, even for a
sale of an earlier month. VAT and PIT are the movements of the tax-payable accounts in the
month (their lines carry the producer), so the report adds up exactly to those accounts;
revenue is what the same entries were worked out from (TaxWithholding).
"""

import io
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font

from marketplace.clock import VIETNAM_TZ
from marketplace.downloads import csv_text
from marketplace.extensions import db
from marketplace.payouts.models import Account, JournalEntry, JournalLine, TAX_PAYABLE_ACCOUNTS, TaxWithholding
from marketplace.producers.models import Producer

COLUMNS = ["month", "producer_id", "producer_name", "tax_code", "legal_type", "revenue_vnd", "vat_withheld_vnd",
           "pit_withheld_vnd", "total_withheld_vnd"]
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Row:
    producer_id: int | None  # None: the totals
    producer_name: str
    tax_code: str
    legal_type: str
    revenue_vnd: int
    vat_withheld_vnd: int
    pit_withheld_vnd: int

    @property
    def total_withheld_vnd(self) -> int:
        return self.vat_withheld_vnd + self.pit_withheld_vnd


@dataclass(frozen=True)
class Report:
    month: date  # its first day
    rows: list[Row]

    @property
    def label(self) -> str:
        return f"{self.month.month:02d}/{self.month.year}"

    @property
    def totals(self) -> Row:
        return Row(None, "", "", "", *(sum(getattr(r, name) for r in self.rows)
                                       for name in ("revenue_vnd", "vat_withheld_vnd", "pit_withheld_vnd")))


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first and the next month's first moment, in Vietnam time."""
    start = month.replace(day=1)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return (datetime.combine(start, time.min, tzinfo=VIETNAM_TZ),
            datetime.combine(following, time.min, tzinfo=VIETNAM_TZ))


def monthly_withholding(month: date) -> Report:
    start, end = month_bounds(month)
    in_month = (JournalEntry.created_at >= start, JournalEntry.created_at < end)
    taxes = db.session.execute(
        sa.select(JournalLine.producer_id, JournalLine.account, sa.func.sum(JournalLine.amount_vnd))
        .join(JournalEntry).where(JournalLine.account.in_(TAX_PAYABLE_ACCOUNTS), *in_month)
        .group_by(JournalLine.producer_id, JournalLine.account)).all()
    revenue = dict(db.session.execute(
        sa.select(TaxWithholding.producer_id, sa.func.sum(TaxWithholding.revenue_vnd))
        .join(JournalEntry, JournalEntry.id == TaxWithholding.entry_id).where(*in_month)
        .group_by(TaxWithholding.producer_id)).all())
    owed = {(producer_id, account): -int(amount) for producer_id, account, amount in taxes}
    producer_ids = sorted(set(revenue) | {producer_id for producer_id, _account in owed})
    producers = db.session.scalars(sa.select(Producer).where(Producer.id.in_(producer_ids))
                                   .order_by(Producer.name, Producer.id)).all()
    rows = [Row(p.id, p.name, p.tax_code or "", p.legal_type.value, int(revenue.get(p.id, 0)),
                owed.get((p.id, Account.VAT_WITHHELD), 0), owed.get((p.id, Account.PIT_WITHHELD), 0))
            for p in producers]
    return Report(start.date(), rows)


def report_csv(report: Report) -> str:
    """One line per producer (no totals line: a machine reads it; the page and the XLSX add them)."""
    return csv_text(COLUMNS, ({"month": report.month.strftime("%Y-%m"), **_values(row)} for row in report.rows))


def _values(row: Row) -> dict:
    return {"producer_id": row.producer_id, "producer_name": row.producer_name, "tax_code": row.tax_code,
            "legal_type": row.legal_type, "revenue_vnd": row.revenue_vnd, "vat_withheld_vnd": row.vat_withheld_vnd,
            "pit_withheld_vnd": row.pit_withheld_vnd, "total_withheld_vnd": row.total_withheld_vnd}


# The declaration is made in Vietnamese whatever the admin's language, so its sheet is too.
XLSX_TITLE = ("BẢNG KÊ THUẾ GTGT, THUẾ TNCN ĐÃ KHẤU TRỪ, NỘP THAY HỘ KINH DOANH, CÁ NHÂN KINH DOANH "
              "(Nghị định 117/2025/NĐ-CP)")
XLSX_HEADINGS = ["STT", "Tên hộ kinh doanh, cá nhân kinh doanh", "Mã số thuế", "Loại hình", "Doanh thu (đồng)",
                 "Thuế GTGT đã khấu trừ (đồng)", "Thuế TNCN đã khấu trừ (đồng)", "Tổng số thuế đã khấu trừ (đồng)"]
LEGAL_TYPES_VI = {"household": "Hộ kinh doanh", "cooperative": "Hợp tác xã", "enterprise": "Doanh nghiệp"}


def report_xlsx(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{report.month:%Y-%m}"
    sheet.append([XLSX_TITLE])
    sheet.append([f"Kỳ tính thuế: tháng {report.label}"])
    sheet.append([])
    sheet.append(XLSX_HEADINGS)
    for cell in (*sheet[1], *sheet[4]):
        cell.font = Font(bold=True)
    for number, row in enumerate(report.rows, start=1):
        sheet.append([number, row.producer_name, row.tax_code, LEGAL_TYPES_VI.get(row.legal_type, row.legal_type),
                      row.revenue_vnd, row.vat_withheld_vnd, row.pit_withheld_vnd, row.total_withheld_vnd])
    totals = report.totals
    sheet.append(["", "Tổng cộng", "", "", totals.revenue_vnd, totals.vat_withheld_vnd, totals.pit_withheld_vnd,
                  totals.total_withheld_vnd])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=5, min_col=5, max_col=8):
        for cell in row:
            cell.number_format = "#,##0"
    for column, width in zip("ABCDEFGH", (6, 40, 16, 16, 18, 18, 18, 20)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
