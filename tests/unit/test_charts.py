"""Server-drawn charts: inline SVG that our CSP (no inline script or style) allows."""

from pathlib import Path

from marketplace.web.charts import bar_chart, chart_stylesheet, line_chart

STATIC = Path(__file__).resolve().parents[2] / "marketplace" / "static" / "charts.css"


def test_a_line_chart_is_svg_without_script_style_or_xml_declaration():
    svg = line_chart("Doanh số", ["01/11", "02/11"], {"Đơn hàng": [100_000, 250_000]})
    assert svg.startswith("<svg ")
    assert "<script" not in svg and "<style" not in svg and " style=" not in svg and "<?xml" not in svg
    assert "Doanh số" in svg and "01/11" in svg and "Đơn hàng" in svg


def test_a_bar_chart_is_hidden_from_screen_readers_who_get_the_table_instead():
    svg = bar_chart("Sales", ["A"], {"Orders": [3]})
    assert 'aria-hidden="true"' in svg and "<script" not in svg


def test_chart_titles_are_escaped():
    svg = line_chart("<b>x</b>", ["<i>"], {"&": [1]})
    assert "<b>" not in svg and "<i>" not in svg


def test_the_static_chart_stylesheet_is_what_pygal_generates():
    assert STATIC.read_text() == chart_stylesheet(), "run: python -c \"from marketplace.web.charts import " \
        "chart_stylesheet; open('marketplace/static/charts.css','w').write(chart_stylesheet())\""
