"""GET /tim-kiem: the search results page. The query string is the API's
(/api/v1/catalog/search), parsed by the same schema and answered by the same
use case, so a results page can be shared by its URL."""

from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from marshmallow import ValidationError, fields
from werkzeug.datastructures import MultiDict

from marketplace import access
from marketplace.access import PUBLIC
from marketplace.regions import divisions
from search import results
from search.highlight import snippet
from search.routes import to_query
from search.schemas import SearchArgsSchema

blp = Blueprint("search_pages", __name__)

PER_PAGE = 20
_SCHEMA = SearchArgsSchema()
_LIST_FIELDS = {name for name, field in _SCHEMA.fields.items() if isinstance(field, fields.List)}
FILTERS = ("region", "province", "stars", "group", "certification")


PRICES = ("price_min", "price_max")
# The URL arguments each of search.results.DROPPABLE's filters is written with.
DROP_ARGS = {"q": ("q",), "stars": ("stars", "min_stars"), "price": PRICES}


def parse_args(args: MultiDict, refused: set | None = None) -> tuple[dict, MultiDict]:
    """The schema's arguments, with any value it refuses dropped (a page never
    answers a mistyped filter with an error; the names dropped are added to
    `refused`), and the query string that was kept. Prices may be written as
    shoppers write them: "150.000", "150 000 ₫"."""
    kept = MultiDict((k, _plain_price(v) if k in PRICES else v)
                     for k, v in args.items(multi=True) if k in _SCHEMA.fields and v.strip() != "")
    kept.setdefault("per_page", str(PER_PAGE))
    for _attempt in range(3):
        raw = {k: kept.getlist(k) if k in _LIST_FIELDS else kept.get(k) for k in kept}
        try:
            return _SCHEMA.load(raw), kept
        except ValidationError as error:
            for name in error.messages:
                kept.poplist(name)
                if refused is not None:
                    refused.add(name)
    return _SCHEMA.load({"per_page": PER_PAGE}), MultiDict()


def _plain_price(text: str) -> str:
    return "".join(ch for ch in text if ch not in ". ,₫đ").strip() or text


def price_errors(args: MultiDict, refused: set) -> dict[str, str]:
    """A message beside each price the page could not use."""
    errors = {}
    for name in PRICES:
        if name in refused:
            plain = _plain_price(args.get(name, ""))
            ordered = plain.isdigit() and name == "price_max" and "price_min" not in refused
            errors[name] = (_("Giá đến phải lớn hơn hoặc bằng giá từ.") if ordered
                            else _("Nhập số tiền bằng đồng, ví dụ 150000."))
    return errors


@blp.app_template_global("search_url_without")
def url_without(kept: MultiDict, drop: str) -> str:
    """The search's URL with one filter (a DROPPABLE name) taken out, from page 1."""
    names = DROP_ARGS.get(drop, (drop,))
    return url_for("search_pages.search") + "?" + urlencode(
        url_args(kept, page=None, **{name: None for name in names}))


def url_args(kept: MultiDict, **changes) -> list[tuple[str, str]]:
    """The kept query string with some arguments replaced (None removes one)."""
    pairs = [(k, v) for k, v in kept.items(multi=True) if k not in changes and k != "per_page"]
    pairs += [(k, str(v)) for k, v in changes.items() if v is not None]
    return pairs


@blp.app_template_global("search_highlights")
def highlights(product, q: str) -> dict:
    """The name and a short piece of the description with the query's words marked
    (the same highlighter as the backend's hit snippets, which run over the whole
    indexed text and so repeat the name, producer and province)."""
    if not q:
        return {"name": None, "snippet": None}
    text = snippet(product.description or "", q, width=110)
    return {"name": Markup(snippet(product.name, q, width=400)),
            "snippet": Markup(text) if "<mark>" in text else None}


@blp.get("/tim-kiem")
@access.requires(PUBLIC)
def search():
    refused = set()
    args, kept = parse_args(request.args, refused)
    page = results.results_page(to_query(args))
    return render_template("search/results.html", args=args, kept=kept, result=page, filters=FILTERS,
                           url_args=url_args, provinces=divisions.provinces(), item_list=item_list(page["items"]),
                           typed=request.args, price_errors=price_errors(request.args, refused))


def item_list(products) -> dict:
    """schema.org ItemList of the page's results, for search engines."""
    return {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": position, "name": product.name,
         "url": url_for("storefront.product", product_id=product.id, slug=product.slug, _external=True)}
        for position, product in enumerate(products, start=1)]}
