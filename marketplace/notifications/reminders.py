"""Certificate reminders: 90 and 30 days before an OCOP certificate's valid-until.

A daily job; a missed day is caught up (the window is a week), and the key
names the certificate and the reminder, so a certificate is reminded once each.
"""

from datetime import timedelta

import sqlalchemy as sa

from marketplace import jobs
from marketplace.catalog.models import Product
from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.notifications.services import notify_producer

REMINDER_DAYS = (90, 30)
CATCH_UP_DAYS = 7


@jobs.job("notifications.certificate_reminders")
def certificate_reminders(today=None) -> int:
    """Enqueue the reminders due today; returns how many certificates were due."""
    today = today or today_vn()
    due = 0
    for days in REMINDER_DAYS:
        window = (Product.ocop_valid_until <= today + timedelta(days=days),
                  Product.ocop_valid_until > today + timedelta(days=days - CATCH_UP_DAYS))
        for product in db.session.scalars(sa.select(Product).where(*window).order_by(Product.id)):
            due += 1
            notify_producer(product.producer_id, "certificate_expiring",
                            f"{product.id}-{product.ocop_valid_until.isoformat()}-{days}",
                            product=product.name, days=days, valid_until=product.ocop_valid_until.strftime("%d/%m/%Y"))
    db.session.commit()
    return due


jobs.every(24 * 3600, "notifications.certificate_reminders")
