"""The producer portal: balance, statement, payouts and the bank account."""

from flask.views import MethodView

from marketplace.api import Blueprint
from marketplace.downloads import csv_file
from marketplace.payouts import ledger, reports, schemas, services
from marketplace.payouts.models import BankAccountNotFound
from marketplace.producers.access import PRODUCER_MEMBER, PRODUCER_OWNER
from marketplace.schemas import PageArgs, page_of

blp = Blueprint("portal_payouts", __name__, url_prefix="/api/v1/portal/producers/<int:producer_id>",
                description="Producer portal: earnings and payouts")


@blp.route("/balance")
class Balance(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.response(200, schemas.BalanceSchema)
    def get(self, producer_id):
        """Pending, available, in transit and paid, all derived from the ledger"""
        return ledger.producer_balance(producer_id)


@blp.route("/statement")
class Statement(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.StatementQuerySchema, location="query")
    @blp.response(200, page_of(schemas.StatementRowSchema))
    def get(self, query, producer_id):
        """Every ledger entry that moved your money, with order references"""
        return reports.statement_page(producer_id, query.get("since"), query.get("until"),
                                      query["page"], query["per_page"])


@blp.route("/statement.csv")
class StatementCsv(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.StatementCsvQuerySchema, location="query")
    @blp.response(200, content_type="text/csv", description="The statement as CSV")
    def get(self, query, producer_id):
        """Your statement as a CSV file"""
        return csv_file(reports.statement_csv(producer_id, query.get("since"), query.get("until")),
                        f"statement-{producer_id}.csv")


@blp.route("/payouts")
class Payouts(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(schemas.PayoutSchema))
    def get(self, query, producer_id):
        """Your payouts and their status"""
        return services.payouts_of(producer_id, None, query["page"], query["per_page"])


@blp.route("/bank-account")
class BankAccount(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.response(200, schemas.BankAccountSchema)
    @blp.errors(BankAccountNotFound)
    def get(self, producer_id):
        """Where you are paid"""
        return services.bank_account_of(producer_id)

    @blp.access(PRODUCER_OWNER)
    @blp.arguments(schemas.BankAccountSchema)
    @blp.response(200, schemas.BankAccountSchema)
    def put(self, data, producer_id):
        """Set where you are paid (owners only)"""
        return services.set_bank_account(producer_id, data)
