"""Shipping fees per sub-order: a small configurable table by distance."""

from flask import current_app

from marketplace.regions import divisions


def shipping_fee_vnd(from_province: int, to_province: int, items_total_vnd: int) -> int:
    table = current_app.config["SHIPPING_FEES_VND"]
    free_from = current_app.config["FREE_SHIPPING_FROM_VND"]
    if free_from and items_total_vnd >= free_from:
        return 0
    if from_province == to_province:
        return table["same_province"]
    if divisions.region_of(from_province) == divisions.region_of(to_province):
        return table["same_region"]
    return table["other_region"]
