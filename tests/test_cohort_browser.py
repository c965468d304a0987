"""The cohort site in a real browser: headless Chromium (Debian's chromium and
chromium-driver, driven with selenium) opens index.html, the case list and a
case page from disk, wide and narrow, takes screenshots, and fails on a
console error, an image that did not load, or a page wider than the window.

Screenshots go to $SARCOKG_SCREENSHOTS when set (to look at them), else to the
test's temporary folder. CI installs chromium and chromium-driver (.ci/run);
locally the test skips, saying why, when either is missing.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from .conftest import needs_shared
from .test_cohort import build_dev_kg, cli

pytestmark = [pytest.mark.slow, needs_shared]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
WIDE, NARROW = 1280, 420


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs the selenium package ('.[test]')")
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix="sarcokg-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars", f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=DRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    kg = build_dev_kg(tmp_path_factory.mktemp("browser") / "kg")
    out = tmp_path_factory.mktemp("browser-site") / "report"
    r = cli("report", "--kg", kg, "-o", out)
    assert r.code == 0, r.err
    return out


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("SARCOKG_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def visit(driver, path: Path, width: int, fragment: str = "") -> None:
    driver.get_log("browser")      # start with an empty log: the errors found are this page's
    driver.set_window_size(width, 900)
    driver.get(path.as_uri() + fragment)


def problems(driver) -> list[str]:
    """Console errors and images that did not load, after the page has settled."""
    broken = driver.execute_script(
        "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);")
    logs = [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    return [f"image not loaded: {b}" for b in broken] + logs


def screenshot(driver, folder: Path, name: str, width: int) -> Path:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 40, 12000))
    path = folder / f"{name}-{width}.png"
    driver.save_screenshot(str(path))
    return path


def wait_images(driver) -> None:
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return Array.from(document.images).every(i => i.complete)"))


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_cohort_page_loads_clean(browser, site, shots, width):
    visit(browser, site / "index.html", width)
    browser.execute_script("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
    wait_images(browser)
    assert problems(browser) == []
    images = browser.execute_script("return document.images.length")
    assert images == len(list((site / "figures").glob("*.svg"))) >= 3
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow} px wider than a {width} px window"
    assert screenshot(browser, shots, "cohort", width).stat().st_size > 20_000


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_case_page_loads_clean_and_links_to_its_mention(browser, site, shots, width):
    page = site / "cases" / "002_2c3740a5c6caac8c.html"
    visit(browser, page, width)
    assert problems(browser) == []
    link = browser.find_element("css selector", "a.ev")
    target = link.get_attribute("href").split("#", 1)[1]
    browser.execute_script("arguments[0].click()", link)
    hit = browser.execute_script(
        "return Array.from(document.querySelectorAll('mark.hit')).map(m => m.textContent).join('')")
    assert hit and hit == link.text.strip("\u201c\u201d"), (target, hit, link.text)
    assert problems(browser) == []
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow} px wider than a {width} px window"
    browser.execute_script("window.scrollTo(0, 0)")
    assert screenshot(browser, shots, "case", width).stat().st_size > 20_000


def test_a_table1_count_shows_its_cases(browser, site, shots):
    html = (site / "index.html").read_text()
    key, n = re.findall(r'<a href="cases\.html#(k\d+)"[^>]*>(\d+)</a>', html)[5]
    visit(browser, site / "cases.html", WIDE, "#" + key)
    assert problems(browser) == []
    shown = browser.execute_script("return Array.from(document.querySelectorAll('table.cases tbody tr'))"
                                   ".filter(r => !r.hidden).length")
    assert shown == int(n)
    assert browser.find_element("id", "filter-note").text.startswith(f"{n} case")
    screenshot(browser, shots, "cases-filtered", WIDE)
