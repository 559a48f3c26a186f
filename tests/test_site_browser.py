"""The release's static site in a real browser: Debian's chromium, driven by Playwright.

Pages load without console errors or failed requests, internal links resolve, Chinese is
drawn with a font that has Chinese glyphs, and the charts are drawn. The site is served
from the release folder on loopback, as a web server would serve it.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from .test_publish import NINE_PILOT_ZONES, publish_seeds

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright (test extra) is not installed")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = ("site/index.html", "site/classes.html", "site/ontology.html", "site/documents.html",
         "site/indicators.html", "site/reports/index.html", "site/class/kgo-BorderPilotZone.html",
         "site/id/zone/baise-pilot-zone.html", "site/id/zone/qinzhou-port-area.html",
         "site/id/place/guangxi.html", "site/doc/qinzhou-port-area-14th-five-year-plan-2022.html")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".ttl": "text/turtle", ".jsonld": "application/ld+json", ".trig": "application/trig"}

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(seeds_build):
    release = publish_seeds(seeds_build.out)
    handler = functools.partial(_QuietHandler, directory=str(release.folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


def _open(browser, url: str):
    """Open a page and record every console error, page error and failed request."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    return page, problems


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_console_errors(browser, site_url, path):
    page, problems = _open(browser, site_url + path)
    try:
        assert page.title().endswith("Kaifang KG")
        assert page.locator("main h1").count() == 1
        assert not problems, problems
    finally:
        page.close()


def test_internal_links_resolve(browser, site_url):
    """Every same-site link of the main pages answers 200, and fragment links find their anchor."""
    checked: dict[str, int] = {}
    missing_anchors = []
    for path in PAGES:
        page, _ = _open(browser, site_url + path)
        try:
            hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href).filter(h => typeof h === 'string')")
            svg_hrefs = page.eval_on_selector_all("svg a[*|href]", "as => as.map(a => new URL("
                                                  "a.getAttribute('xlink:href') || a.getAttribute('href'), "
                                                  "document.baseURI).href)")
            for href in hrefs + svg_hrefs:
                url, fragment = urldefrag(href)
                if not url.startswith(site_url):
                    continue
                if url not in checked:
                    checked[url] = page.request.get(url).status
                if fragment and url == page.url.split("#")[0]:
                    if page.locator(f"[id='{fragment}']").count() == 0:
                        missing_anchors.append(href)
        finally:
            page.close()
    broken = {url: status for url, status in checked.items() if status != 200}
    assert len(checked) > 100 and not broken, list(broken.items())[:10]
    assert not missing_anchors, missing_anchors[:10]
    assert any(urlsplit(u).path.endswith(".ttl") for u in checked) and any(u.endswith(".jsonld") for u in checked)


def _cjk_font_families() -> set[str]:
    if shutil.which("fc-list") is None:
        return set()
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return {family.strip() for line in out.splitlines() for family in line.split(",") if family.strip()}


def test_chinese_renders_with_a_font_that_has_chinese_glyphs(browser, site_url, tmp_path):
    families = _cjk_font_families()
    if not families:
        pytest.skip("no font with Chinese glyphs is installed (apt-get install fonts-noto-cjk)")
    page, problems = _open(browser, site_url + "site/id/zone/baise-pilot-zone.html")
    try:
        heading = page.locator("h1 span[lang='zh-Hans']")
        assert heading.inner_text() == "广西百色重点开发开放试验区"
        box = heading.bounding_box()
        assert box and box["width"] > 13 * 10  # thirteen characters, each drawn wide
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1 span[lang='zh-Hans']"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        cjk_glyphs = sum(f["glyphCount"] for f in fonts if f["familyName"] in families)
        assert cjk_glyphs == 13, fonts
        page.screenshot(path=str(tmp_path / "baise.png"))
        evidence = page.locator(".evidence blockquote mark").first.inner_text()
        assert evidence and all("\u4e00" <= c <= "\u9fff" for c in evidence[:2])
        assert not problems, problems
    finally:
        page.close()


def test_class_page_shows_the_nine_pilot_zones(browser, site_url):
    page, problems = _open(browser, site_url + "site/class/kgo-BorderPilotZone.html")
    try:
        items = page.locator("main li").all_inner_texts()
        assert len(items) == 9 and all(any(z in item for item in items) for z in NINE_PILOT_ZONES)
        assert not problems, problems
    finally:
        page.close()


def _bars(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(selector, """rs => rs.map(r => {
        const b = r.getBoundingClientRect();
        return {cls: r.getAttribute('class'), width: b.width, height: b.height};
    })""")


def test_charts_are_drawn(browser, site_url):
    page, problems = _open(browser, site_url + "site/index.html")
    try:
        chart = page.locator("svg.count-chart")
        assert chart.count() == 1 and chart.is_visible()
        bars = _bars(page, "svg.count-chart rect.bar")
        assert len(bars) >= 10 and all(b["width"] > 0 and b["height"] > 0 for b in bars)
        assert bars[0]["width"] >= bars[-1]["width"]  # longest first
    finally:
        page.close()
    page, more = _open(browser, site_url + "site/id/zone/qinzhou-port-area.html")
    try:
        charts = page.locator("svg.indicator-chart")
        assert charts.count() >= 3 and charts.first.is_visible()
        bars = _bars(page, "svg.indicator-chart rect.bar")
        statuses = {b["cls"] for b in bars}
        assert {"bar bar-actual", "bar bar-target"} <= statuses  # actual against target
        assert all(b["height"] > 0 for b in bars)
        assert not problems and not more, problems + more
    finally:
        page.close()


def test_neighbourhood_picture_links_to_neighbours(browser, site_url):
    page, problems = _open(browser, site_url + "site/id/zone/baise-pilot-zone.html")
    try:
        picture = page.locator(".neighbourhood svg")
        if picture.count() == 0:
            pytest.skip("graphviz 'dot' is not installed (apt-get install graphviz): no pictures in the site")
        assert picture.is_visible() and "百色市" in picture.text_content()
        link = page.locator(".neighbourhood svg a[*|href]").first
        with page.expect_navigation():
            link.click()
        assert page.url.endswith(".html") and page.locator("main h1").count() == 1
        assert not problems, problems
    finally:
        page.close()
