"""What is waiting for an admin: producers to approve, certificates to verify,
bank transfers to confirm, transfers that arrived and wait for a decision. Each list comes from its domain's admin query."""

from dataclasses import dataclass

from marketplace.banking import queries as bank
from marketplace.banking.models import TransactionStatus
from marketplace.catalog import services as catalog
from marketplace.orders import queries as orders
from marketplace.payments.models import PaymentMethod, PaymentStatus
from marketplace.producers import services as producers
from marketplace.producers.models import ProducerStatus
from marketplace.schemas import Page

SHOWN = 10  # the first few of each queue; each queue's own page has them all


@dataclass
class Queues:
    producers: Page
    certificates: Page
    transfers: Page
    incoming: Page  # transfers that arrived and wait for a decision


def queues() -> Queues:
    return Queues(producers=producers.list_for_admin(ProducerStatus.PENDING, 1, SHOWN),
                  certificates=catalog.list_for_admin(False, None, 1, SHOWN),
                  transfers=orders.all_orders(None, PaymentMethod.BANK_TRANSFER, PaymentStatus.PENDING, 1, SHOWN),
                  incoming=bank.transfers(TransactionStatus.QUEUED, 1, SHOWN))
