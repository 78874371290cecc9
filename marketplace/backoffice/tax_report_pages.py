"""The monthly report of the tax withheld for household businesses (/quan-tri/bao-cao/thue-khau-tru):
per producer, the revenue, the VAT and the PIT withheld, with totals, as a page, CSV and XLSX, over
payouts/tax_report.py. Added to the back office's blueprint, as the other reports are."""

from flask import Response, render_template, request

from marketplace import access
from marketplace.access import ADMIN
from marketplace.backoffice.forms import TaxMonthForm
from marketplace.backoffice.pages import blp
from marketplace.downloads import csv_file
from marketplace.payouts import tax_report

UNPROCESSABLE = 422


@blp.get("/quan-tri/bao-cao/thue-khau-tru", endpoint="tax_withholding")
@access.requires(ADMIN)
def tax_withholding():
    form = TaxMonthForm(request.args)
    month = form.chosen()
    report = tax_report.monthly_withholding(month) if month else None
    return render_template("backoffice/report_tax.html", form=form, report=report), 200 if month else UNPROCESSABLE


@blp.get("/quan-tri/bao-cao/thue-khau-tru.<any(csv, xlsx):format>", endpoint="tax_withholding_file")
@access.requires(ADMIN)
def tax_withholding_file(format: str):
    month = TaxMonthForm(request.args).chosen()
    if month is None:
        return tax_withholding()
    report = tax_report.monthly_withholding(month)
    filename = f"thue-khau-tru-{month:%Y-%m}.{format}"
    if format == "csv":
        return csv_file(tax_report.report_csv(report), filename)
    return Response(tax_report.report_xlsx(report), mimetype=tax_report.XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
