"""Admins run payouts, settle them, set commission and withholding rates, and see revenue and tax withheld."""

from datetime import date

from flask import current_app
from flask.views import MethodView
from flask_login import current_user

from marketplace.access import ADMIN
from marketplace.api import Blueprint
from marketplace.downloads import csv_file
from marketplace.clock import today_vn
from marketplace.payouts import connect_rail, reports, runs, schemas, services, settlement, tax_report
from marketplace.payouts.models import NotAConnectPayout, PayoutNotFound, PayoutNotInTransit, PayoutRunNotFound
from marketplace.pricing import commission, withholding_rates
from marketplace.schemas import PageArgs, page_of

blp = Blueprint("admin_payouts", __name__, url_prefix="/api/v1/admin", description="Admin: payouts and revenue")


@blp.route("/payout-runs")
class PayoutRuns(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(schemas.PayoutRunSchema))
    def get(self, query):
        """All payout runs, newest first"""
        return services.runs(query["page"], query["per_page"])

    @blp.access(ADMIN)
    @blp.arguments(schemas.RunPayoutsSchema)
    @blp.response(201, schemas.PayoutRunSchema)
    def post(self, data):
        """Pay every producer whose available balance has reached the minimum"""
        return runs.run_payouts(current_user.id, data["producer_ids"])


@blp.route("/payout-runs/<int:run_id>")
class PayoutRun(MethodView):
    @blp.access(ADMIN)
    @blp.response(200, schemas.PayoutRunSchema)
    @blp.errors(PayoutRunNotFound)
    def get(self, run_id):
        """One run and its payouts"""
        return services.get_run(run_id)


@blp.route("/payout-runs/<int:run_id>/bank-file.csv")
class BankFile(MethodView):
    @blp.access(ADMIN)
    @blp.response(200, content_type="text/csv", description="One line per bank-transfer payout")
    @blp.errors(PayoutRunNotFound)
    def get(self, run_id):
        """The run's bank transfers as CSV, for the platform's bank"""
        return csv_file(reports.bank_file_csv(run_id), f"payout-run-{run_id}.csv")


@blp.route("/payouts")
class Payouts(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.PayoutQuerySchema, location="query")
    @blp.response(200, page_of(schemas.PayoutSchema))
    def get(self, query):
        """All payouts, by status and producer"""
        return services.payouts_of(query.get("producer_id"), query.get("status"), query["page"], query["per_page"])


@blp.route("/payouts/<int:payout_id>/mark-paid")
class MarkPaid(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.MarkPaidSchema)
    @blp.response(200, schemas.PayoutSchema)
    @blp.errors(PayoutNotFound, PayoutNotInTransit)
    def post(self, data, payout_id):
        """The bank confirmed the transfer"""
        return settlement.mark_paid(payout_id, data["bank_reference"])


@blp.route("/payouts/<int:payout_id>/mark-failed")
class MarkFailed(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.MarkFailedSchema)
    @blp.response(200, schemas.PayoutSchema)
    @blp.errors(PayoutNotFound, PayoutNotInTransit)
    def post(self, data, payout_id):
        """The transfer failed; the money returns to the producer's balance"""
        return settlement.mark_failed(payout_id, data["reason"])


@blp.route("/payouts/<int:payout_id>/reconcile")
class Reconcile(MethodView):
    @blp.access(ADMIN)
    @blp.response(200, schemas.PayoutSchema)
    @blp.errors(PayoutNotFound, PayoutNotInTransit, NotAConnectPayout)
    def post(self, payout_id):
        """Look a Stripe Connect payout in transit up at Stripe: mark it paid, or send it again"""
        return connect_rail.reconcile_payout(payout_id)


@blp.route("/revenue")
class Revenue(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.RevenueQuerySchema, location="query")
    @blp.response(200, schemas.RevenueRowSchema(many=True))
    def get(self, query):
        """Platform commission revenue by day or month"""
        return reports.revenue_by_period(query["period"], query.get("since"), query.get("until"))


@blp.route("/commission-rates")
class CommissionRates(MethodView):
    @blp.access(ADMIN)
    @blp.response(200, schemas.CommissionRatesSchema)
    def get(self):
        """The default rate and every group and producer rate"""
        return {"default_bps": current_app.config["COMMISSION_DEFAULT_BPS"], "rates": commission.list_rates()}

    @blp.access(ADMIN)
    @blp.arguments(schemas.CommissionRateSchema)
    @blp.response(200, schemas.CommissionRatesSchema)
    @blp.errors(commission.UnknownProducer)
    def put(self, data):
        """Set (or, with rate_bps null, remove) a group or producer rate; past orders keep theirs"""
        commission.set_rate(data["scope"], data["key"], data["rate_bps"])
        return {"default_bps": current_app.config["COMMISSION_DEFAULT_BPS"], "rates": commission.list_rates()}


@blp.route("/tax-withholding")
class TaxWithholding(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.TaxWithholdingQuerySchema, location="query")
    @blp.response(200, schemas.TaxWithholdingReportSchema)
    def get(self, query):
        """The month's tax withheld for household businesses, per producer (Decree 117/2025/NĐ-CP)"""
        month = date.fromisoformat(f"{query['month']}-01") if query.get("month") else today_vn()
        return tax_report.monthly_withholding(month)


@blp.route("/withholding-rates")
class WithholdingRates(MethodView):
    @blp.access(ADMIN)
    @blp.response(200, schemas.WithholdingRateSchema(many=True))
    def get(self):
        """The withholding rates, oldest first: the Decree's and those set since"""
        return withholding_rates.rates()

    @blp.access(ADMIN)
    @blp.arguments(schemas.WithholdingRateSchema)
    @blp.response(200, schemas.WithholdingRateSchema(many=True))
    @blp.errors(withholding_rates.RateNotInFuture)
    def put(self, data):
        """Set the rates from a day to come on; what was withheld before stays"""
        withholding_rates.set_rate(data["valid_from"], data["vat_bps"], data["pit_bps"], current_user.id)
        return withholding_rates.rates()
