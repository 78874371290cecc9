"""Home, product and producer pages: parse the URL, call the read use cases the
API calls, render."""

from urllib.parse import urljoin

from flask import Blueprint, abort, redirect, render_template, request, url_for

from marketplace import access
from marketplace.access import PUBLIC
from marketplace.catalog import browsing
from marketplace.catalog.schemas import certificate_view
from marketplace.clock import today_vn
from marketplace.showrooms.queries import where_to_buy
from marketplace.storefront.services import producer_storefront
from marketplace.regions import divisions
from marketplace.web.labels import GROUPS, REGIONS
from search.query import SearchQuery
from search.results import catalogue_page

blp = Blueprint("storefront", __name__)

HOME_SHELF = 8
STOREFRONT_SORTS = ("name", "newest", "price_asc", "price_desc", "stars")


@blp.get("/")
@access.requires(PUBLIC)
def home():
    five_stars = catalogue_page(SearchQuery(stars=(5,), sort="relevance", per_page=HOME_SHELF))
    newest = catalogue_page(SearchQuery(sort="newest", per_page=HOME_SHELF))
    return render_template("storefront/home.html", regions=REGIONS, groups=GROUPS,
                           five_stars=five_stars["items"], newest=newest["items"])


@blp.get("/san-pham/<int:product_id>")
@blp.get("/san-pham/<int:product_id>/<slug>")
@access.requires(PUBLIC)
def product(product_id: int, slug: str | None = None):
    item = browsing.get_public_product(product_id)
    if slug != item.slug:  # one address per product, whatever slug the link had
        return redirect(url_for(".product", product_id=item.id, slug=item.slug), code=301)
    variants = [v for v in item.variants if v.is_active]
    return render_template(
        "storefront/product.html", product=item, certificate=certificate_view(item), variants=variants,
        points=where_to_buy(item.id), province=divisions.provinces().get(item.origin_province_code),
        today=today_vn(), structured_data=structured_data(item, variants),
    )


def structured_data(item, variants) -> dict:
    """schema.org Product with one Offer per variant, for search engines."""
    url = url_for(".product", product_id=item.id, slug=item.slug, _external=True)
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": item.name, "url": url,
        "description": item.description or item.name, "sku": str(item.id),
        "brand": {"@type": "Organization", "name": item.producer.name},
        "offers": [{
            "@type": "Offer", "name": v.label, "price": str(v.price_vnd), "priceCurrency": "VND",
            "availability": "https://schema.org/InStock" if v.in_stock else "https://schema.org/OutOfStock",
            "url": url, "sku": v.gtin or f"{item.id}-{v.id}",
        } for v in variants],
    }
    if item.image_urls:  # absolute, as search engines want them (our own photos are stored as /anh/...)
        data["image"] = [urljoin(request.url_root, image) for image in item.image_urls]
    return data


@blp.get("/nha-san-xuat/<slug>")
@access.requires(PUBLIC)
def producer(slug: str):
    sort = request.args.get("sort", "name")
    if sort not in STOREFRONT_SORTS:
        sort = "name"
    page = request.args.get("page", 1, type=int) or 1
    if page < 1 or page > 500:
        abort(404)
    storefront = producer_storefront(slug, sort, page, 20)
    return render_template("storefront/producer.html", storefront=storefront, producer=storefront.producer,
                           products=storefront.products, sort=sort, province=storefront.province)
