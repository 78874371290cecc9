"""Order housekeeping as jobs (see marketplace/jobs)."""

from marketplace.jobs import every, job
from marketplace.orders.fulfilment import expire_reservations

job("orders.expire_reservations")(lambda: expire_reservations())
every(120, "orders.expire_reservations")
