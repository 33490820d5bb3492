"""End to end: the UI in Simplified Chinese and English. A Chinese browser gets Chinese
by default (buttons, panels, node badges, warnings, node names a pack translates in its
locales/ folder); the settings switch changes every string at once and is remembered."""
from __future__ import annotations

import json
from typing import Any

from .conftest import Canvas, Server, returning_user
from .test_canvas_files import CHAIN
from .test_canvas_never_lose import drop_file_json


def test_chinese_by_default_in_a_chinese_browser_and_switchable(browser: Any, server: Server) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 860})
    returning_user(context, server)
    c = Canvas(context.new_page(), server).open()
    assert c.js("() => document.documentElement.lang") == "zh-CN"
    c.page.get_by_role("button", name="▶ 运行").wait_for()
    c.load(CHAIN, "海报")
    c.node("2").click()
    c.page.keyboard.press("Control+b")
    assert c.node("2").locator(".kg-badge").inner_text() == "旁路"
    drop_file_json(c, {"nodes": [{"id": 1, "type": "KSampler", "pos": [0, 0], "inputs": [], "outputs": []}], "links": []})
    c.page.locator(".kg-toast", has_text="缺少节点类型：KSampler").wait_for()
    c.page.get_by_role("button", name="队列（Q）").click()
    c.page.get_by_role("heading", name="队列").wait_for()
    c.page.get_by_role("tab", name="海报").click()
    c.screenshot("canvas-zh.png")
    # Subgraphs in Chinese: made from the selection (Ctrl+Shift+E), opened, a breadcrumb back.
    c.node("3").locator(".kg-title").click()
    c.page.keyboard.press("Control+Shift+E")
    c.page.locator(".kg-title", has_text="新子图").wait_for()
    c.page.get_by_role("button", name="打开子图 新子图").click()
    assert c.page.locator(".kg-subgraph-bar li").all_inner_texts() == ["工作流", "新子图"]
    assert c.page.locator(".kg-sgio .kg-title").all_inner_texts() == ["子图输入", "子图输出"]
    c.page.get_by_role("button", name="← 返回").click()
    c.page.wait_for_selector(".kg-subgraph-bar", state="detached")
    # Node names translated by a pack's locales/ (the fixture pack ships zh and en).
    c.page.get_by_role("button", name="新标签页").click()
    c.page.mouse.dblclick(*c.pane_point(0.4, 0.4))
    c.page.get_by_role("combobox", name="搜索节点").fill("测试常量")
    c.page.get_by_role("combobox", name="搜索节点").press("Enter")
    c.page.wait_for_function("() => window.__app.graph.getState().nodes.length === 1")
    const = c.node_ids()[0]
    assert c.node(const).locator(".kg-title").inner_text() == "测试常量"

    c.page.get_by_role("button", name="设置").click()
    c.page.get_by_label("语言").select_option("en")
    c.page.get_by_role("button", name="▶ Run", exact=True).wait_for()
    assert c.page.get_by_role("button", name="Settings").count() == 1
    assert c.node(const).locator(".kg-title").inner_text() == "Test Constant"
    c.page.reload()
    c.page.wait_for_selector(".kg-app[data-ready=true]")
    c.page.get_by_role("button", name="▶ Run", exact=True).wait_for()
    assert c.js("() => document.documentElement.lang") == "en"
    assert not c.errors
    context.close()


def test_english_browser_gets_english(canvas: Canvas) -> None:
    canvas.page.get_by_role("button", name="▶ Run", exact=True).wait_for()
    assert canvas.js("() => localStorage.getItem('kg.lang')") is None
    assert json.dumps(canvas.js("() => document.body.innerText")).count("运行") == 0
