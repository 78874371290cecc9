"""A guided count at a point: the lots being counted, what was counted against what
is on hand, and the differences a count correction writes. Pure reads and sums;
operations.adjust writes them.

The scope rule: a count covers whole products. The first scan of a product brings
every lot of it the point holds into the count, each starting from 0 counted; a lot
still at 0 when the count is confirmed was not found and is written off as such.
Products never scanned are not touched."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from marketplace.showrooms import lots as point_lots
from marketplace.showrooms.lots import PointLot


@dataclass(frozen=True)
class CountedLot:
    lot: PointLot
    counted: int
    on_hand: int  # what the point's books say

    @property
    def difference(self) -> int:
        """Units found (+) or missing (−)."""
        return self.counted - self.on_hand

    @property
    def value_vnd(self) -> int:
        """The difference at the listing price."""
        return self.difference * self.lot.price_vnd


@dataclass(frozen=True)
class CountedProduct:
    variant_id: int
    product_name: str
    variant_label: str
    producer_name: str
    lots: list[CountedLot]
    into_lot_id: int  # the lot a scan of this product counts into

    @property
    def counted(self) -> int:
        return sum(lot.counted for lot in self.lots)

    @property
    def on_hand(self) -> int:
        return sum(lot.on_hand for lot in self.lots)


def sheet(point_id: int, variant_ids: Sequence[int], counted: Mapping[int, int],
          into: Mapping[int, int]) -> list[CountedProduct]:
    """The count of these products (in the order given): every lot of each, with the units
    counted (`counted`: lot id → units; 0 when absent) and on hand now. `into` maps a product
    to the lot its scans count into (default: the first-expiring lot not yet expired). A
    product the point never held is left out."""
    by_variant = point_lots.of_variants(point_id, variant_ids, keep_lot_ids=counted)
    products = []
    for variant_id in dict.fromkeys(variant_ids):
        found = by_variant.get(variant_id)
        if not found:
            continue
        ids = {lot.lot_id for lot in found}
        default = next((lot.lot_id for lot in found if lot.on_hand > 0 and not lot.expired), found[0].lot_id)
        first = found[0]
        products.append(CountedProduct(
            variant_id, first.product_name, first.variant_label, first.producer_name,
            [CountedLot(lot, counted.get(lot.lot_id, 0), lot.on_hand) for lot in found],
            into.get(variant_id) if into.get(variant_id) in ids else default))
    return products


def differences(products: Sequence[CountedProduct]) -> list[CountedLot]:
    return [lot for product in products for lot in product.lots if lot.difference]


def stale(products: Sequence[CountedProduct], seen: Mapping[int, int]) -> list[CountedLot]:
    """Lots whose books moved since the preview showed them (`seen`: lot id → on hand then), a
    sale meanwhile, say, or a lot that joined the count: the differences previewed are not
    the ones a confirmation would write."""
    return [lot for product in products for lot in product.lots if seen.get(lot.lot.lot_id) != lot.on_hand]


def adjustment_lines(products: Sequence[CountedProduct]) -> list[dict]:
    """What operations.adjust takes for a count correction: each differing lot's change, as
    previewed. A change rather than the units counted, so a sale rung up between the check
    that nothing moved (stale) and the adjustment's locks is not undone by it."""
    return [{"variant_id": lot.lot.variant_id, "lot_code": lot.lot.lot_code, "change": lot.difference}
            for lot in differences(products)]
