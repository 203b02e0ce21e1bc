"""What the browser tests share: Debian's Chromium under Playwright, a context per test (its own
cookies), axe-core run in each page, a screenshot of each, and the bytes a page cost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.web.conftest import AXE, CHROMIUM, CHROMIUM_ARGS

BLOCKING = ("serious", "critical")


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"no {CHROMIUM}: `make browser` installs Debian's chromium")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def new_page(browser: Browser, **options: Any) -> AsyncIterator[Page]:
    """A page of a fresh context; the CSP is bypassed only so that axe-core can be injected."""
    context = await browser.new_context(bypass_csp=True, locale="vi-VN", **options)
    try:
        yield await context.new_page()
    finally:
        await context.close()


async def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations of the page as it is now."""
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result
        if v["impact"] in BLOCKING
    ]


async def look(page: Page, folder: Path, name: str) -> None:
    """The page passes axe-core and is kept as a screenshot."""
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert await serious_violations(page) == [], name


async def weight(page: Page) -> dict[str, int]:
    """What the page cost: `transferred` on the wire now (headers included; assets the browser
    kept cost nothing), and `cold`, the bodies of the page and all its assets as a first visit
    fetches them (compressed where they are served compressed)."""
    sizes: dict[str, int] = await page.evaluate(
        """() => {
            const entries = performance.getEntriesByType('navigation')
                .concat(performance.getEntriesByType('resource'));
            return {
                transferred: entries.reduce((sum, e) => sum + e.transferSize, 0),
                cold: entries.reduce((sum, e) => sum + e.encodedBodySize, 0),
            };
        }"""
    )
    return sizes
