"""Price tables and the paid declaration: quotes are exactly the table's arithmetic,
a missing row is "unknown" (never 0), a user file overrides the shipped tables, and
declaration mistakes fail at import naming the node."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from keroro_graph.api import Price, node
from keroro_graph.errors import NodeDeclarationError
from keroro_graph.registry import Registry
from keroro_graph.registry.loader import load_registry
from keroro_graph.settings import REPO_ROOT
from keroro_graph.spend import PriceBook, PriceTableError
from keroro_graph.registry.providers import price_files

#: The price files the shipped provider packs declare.
SHIPPED = price_files(load_registry(custom_dirs=[REPO_ROOT / "custom_nodes"]).providers.values())


def shipped_tables() -> dict:
    return {"tables": {name: table for path in SHIPPED
                       for name, table in json.loads(path.read_text())["tables"].items()}}


def test_shipped_tables_carry_currency_date_and_source():
    book = PriceBook.load(shipped=SHIPPED)
    for name, table in book.tables.items():
        assert table.currency in ("USD", "CNY"), name
        assert table.as_of and table.source.startswith("https://"), name


def test_quotes_follow_the_table_exactly():
    book = PriceBook.load(shipped=SHIPPED)
    raw = shipped_tables()
    kling = raw["tables"]["kling"]["rows"]
    q = book.quote(Price("kling", key=("model",), times=("n",)), {"model": "kling-v2-1", "n": 3})
    assert q.amount == Decimal(str(kling["kling-v2-1"])) * 3 and q.currency == "USD"
    q = book.quote(Price("kling", key=("model", "mode", "duration")),
                   {"model": "kling-v2-5-turbo", "mode": "pro", "duration": "10"})
    assert q.amount == Decimal(str(kling["kling-v2-5-turbo/pro/10"]))
    gemini = raw["tables"]["gemini"]["rows"]
    wild = book.quote(Price("gemini", key=("model", "image_size")),
                      {"model": "gemini-3-pro-image-preview", "image_size": "2K"})
    exact = book.quote(Price("gemini", key=("model", "image_size")),
                       {"model": "gemini-3-pro-image-preview", "image_size": "4K"})
    assert wild.amount == Decimal(str(gemini["gemini-3-pro-image-preview/*"]))
    assert exact.amount == Decimal(str(gemini["gemini-3-pro-image-preview/4K"]))


def test_token_rows_count_prompt_characters_and_the_output_cap():
    book = PriceBook.load(shipped=SHIPPED)
    price = Price("siliconflow", key=("model",), tokens=("prompt",), max_tokens="max_tokens")
    q = book.quote(price, {"model": "deepseek-ai/DeepSeek-V3", "prompt": "x" * 1000, "max_tokens": 500})
    assert q.amount == (Decimal("2.00") * 1000 + Decimal("8.00") * 500) / Decimal(1_000_000)
    q = book.quote(price, {"model": "deepseek-ai/DeepSeek-V3", "prompt": "", "max_tokens": 0})
    assert q.amount == Decimal("8.00") * price.max_tokens_default / Decimal(1_000_000)


@pytest.mark.parametrize("inputs, why", [
    ({"model": "kling-v9", "n": 1}, "no row"),
    ({"model": "kling-v2-1"}, "n not known"),
    ({"model": "kling-v2-1", "n": "many"}, "not a number"),
])
def test_unknown_is_never_zero(inputs, why):
    q = PriceBook.load(shipped=SHIPPED).quote(Price("kling", key=("model",), times=("n",)), inputs)
    assert q.amount is None and why in q.basis


def test_a_user_file_overrides_rows_and_adds_tables(tmp_path):
    override = tmp_path / "prices.json"
    override.write_text(json.dumps({"tables": {
        "kling": {"as_of": "2027-01-01", "rows": {"kling-v2-1": 0.02}},
        "openai_compat.ohmygpt": {"currency": "USD", "as_of": "2027-01-01",
                                  "source": "https://example.invalid/p", "rows": {"gpt-image-1": 0.04}}}}))
    book = PriceBook.load(override, shipped=SHIPPED)
    assert book.tables["kling"].as_of == "2027-01-01" and book.tables["kling"].currency == "USD"
    assert book.tables["kling"].rows["kling-v1"] == 0.0035  # shipped rows kept
    q = book.quote(Price("openai_compat.{endpoint}", key=("model",), times=("n",)),
                   {"endpoint": "ohmygpt", "model": "gpt-image-1", "n": 2})
    assert q.amount == Decimal("0.08") and q.provider == "openai_compat.ohmygpt"


@pytest.mark.parametrize("body, named", [
    ("{not json", "cannot read"),
    (json.dumps({"tables": {"x": {"currency": "USD", "rows": {}}}}), "lacks"),
    (json.dumps({"tables": {"x": {"currency": "USD", "as_of": "d", "source": "s", "rows": {"m": -1}}}}), "'m'"),
])
def test_a_bad_user_file_is_refused_by_name(tmp_path, body, named):
    path = tmp_path / "prices.json"
    path.write_text(body)
    with pytest.raises(PriceTableError, match=named):
        PriceBook.load(path)


def test_native_declaration_marks_paid_and_checks_inputs():
    @node("PaidThing", price=Price("kling", key=("model",)))
    def paid_thing(model: str) -> str:
        return model

    spec = paid_thing.__node_spec__
    assert spec.paid and spec.store_results and spec.price.table == "kling"
    with pytest.raises(NodeDeclarationError, match="does not have.*'n'"):
        @node("BadPaid", price=Price("kling", key=("model",), times=("n",)))
        def bad_paid(model: str) -> str:
            return model


def test_v1_classes_declare_paid_with_class_attributes():
    from keroro_graph.registry import spec_from_v1

    class V1Paid:
        PAID = True
        PRICE = {"table": "kling", "key": ["model"], "times": ["n"]}
        STORE_RESULTS = False
        RETURN_TYPES = ("STRING",)
        FUNCTION = "go"

        @classmethod
        def INPUT_TYPES(cls):
            return {"required": {"model": (["kling-v1"],), "n": ("INT", {"default": 1})}}

        def go(self, model, n):
            return (model,)

    spec = spec_from_v1("V1Paid", V1Paid)
    assert spec.paid and not spec.store_results and spec.price.times == ("n",)


def test_every_native_provider_node_is_paid_except_account_status():
    registry: Registry = load_registry(custom_dirs=[REPO_ROOT / "custom_nodes"])
    paid = {spec.class_type for spec in registry if spec.paid}
    for name in ("KlingTextToVideo", "KlingImageGeneration", "GeminiImage", "QwenTextToImage",
                 "SiliconFlowChat", "ModelScopeImage", "OpenAIImage", "RunningHubWorkflow"):
        assert name in paid
    assert "RunningHubAccountStatus" not in paid
