"""Browser fixtures: Playwright driving Debian's chromium against live_server."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", "var/screenshots")


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot under var/screenshots/<test>/<name>.png."""
    folder = os.path.join(SCREENSHOT_DIR, request.node.name)
    os.makedirs(folder, exist_ok=True)

    def take(name: str, target=None):
        path = os.path.join(folder, f"{name}.png")
        (target or page).screenshot(path=path, full_page=True)
        return path

    return take


def logout(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_load_state("networkidle")


def login(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


# Reference data that migrations load; transactional tests flush it between tests.
REFERENCE_DATA = [
    ("core.migrations.0002_load_catalog", "core.CatalogItem"),
    ("procurement.migrations.0002_defaults", "procurement.FairnessPattern"),
]


def restore_reference_data():
    from importlib import import_module

    from django.apps import apps as django_apps

    for module, model in REFERENCE_DATA:
        if not django_apps.get_model(model).objects.exists():
            import_module(module).load(django_apps, None)


@pytest.fixture
def demo(transactional_db):
    """The demo district, as `make run` loads it, on top of the reference data."""
    from django.core.management import call_command

    restore_reference_data()
    call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))
