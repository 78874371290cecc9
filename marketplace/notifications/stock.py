"""Stock low at a display point: told once, when a till sale takes a variant to its threshold.
One query per sale, whichever producers' products it took (the till is a hot path)."""

import sqlalchemy as sa

from marketplace import events
from marketplace.catalog.models import Product, Variant
from marketplace.extensions import db
from marketplace.notifications.services import notify_producer
from marketplace.showrooms.models import DisplayPoint, MovementLine, PointStock


@events.subscribe("point_sale.completed")
def point_sale_completed(movement) -> None:
    sold = (sa.select(MovementLine.variant_id, sa.func.sum(-MovementLine.quantity).label("sold"))
            .where(MovementLine.movement_id == movement.id).group_by(MovementLine.variant_id).subquery())
    crossed = db.session.execute(
        sa.select(Product.producer_id, PointStock.variant_id, PointStock.on_hand, Product.name, DisplayPoint.name)
        .join(sold, sold.c.variant_id == PointStock.variant_id)
        .join(Variant, Variant.id == PointStock.variant_id).join(Product, Product.id == Variant.product_id)
        .join(DisplayPoint, DisplayPoint.id == PointStock.point_id)
        .where(PointStock.point_id == movement.point_id, PointStock.on_hand <= PointStock.low_stock_threshold,
               PointStock.on_hand + sold.c.sold > PointStock.low_stock_threshold)).all()
    for producer_id, variant_id, on_hand, product, point in crossed:
        notify_producer(producer_id, "point_stock_low", f"{movement.point_id}-{variant_id}-{movement.id}",
                        product=product, point=point, quantity=on_hand)
