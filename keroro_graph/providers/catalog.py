"""The static provider catalogue: every provider Keroro Graph ships a pack for, its
credential fields and their environment variables, default and regional base URLs,
a default concurrency limit, and the built-in model lists (from specs/providers.md)
that node combos offer. Plain data: no I/O, no HTTP, importable from any layer.
User overrides (base URL, region, limit, models) live in ``user/settings.json``
through ``keroro_graph.secrets.ProviderSettings``; this module never changes."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..secrets import default_env_var


@dataclass(frozen=True)
class Credential:
    name: str
    label: str
    #: Conventional variable names accepted besides ``KERORO_<PROVIDER>_<NAME>``.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    display_name: str
    credentials: tuple[Credential, ...]
    base_url: str
    #: region name → base URL; ``region`` in the settings picks one.
    regions: dict[str, str] = field(default_factory=dict)
    limit: int = 4
    #: kind ("chat", "image", "video") → model ids, first is the default.
    models: dict[str, tuple[str, ...]] = field(default_factory=dict)
    docs_url: str = ""

    def credential(self, name: str) -> Credential | None:
        return next((c for c in self.credentials if c.name == name), None)

    def env_vars(self, credential: str) -> tuple[str, ...]:
        found = self.credential(credential)
        aliases = found.aliases if found is not None else ()
        return (default_env_var(self.name, credential), *aliases)


def _api_key(*aliases: str) -> tuple[Credential, ...]:
    return (Credential("api_key", "API key", aliases),)


_GEMINI_IMAGE = ("gemini-2.5-flash-image", "gemini-2.5-flash-image-preview", "gemini-3-pro-image-preview",
                 "gemini-3.1-flash-image-preview", "gemini-2.0-flash-preview-image-generation")
_RELAY_IMAGE = ("nano-banana", "nano-banana-hd", "nano-banana-2", "gemini-2.5-flash-image",
                "gemini-2.5-flash-image-preview", "gemini-3-pro-image-preview")

PROVIDERS: dict[str, ProviderInfo] = {p.name: p for p in (
    ProviderInfo(
        "kling", "Kling (可灵)",
        (Credential("access_key", "Access key", ("KLING_ACCESS_KEY",)),
         Credential("secret_key", "Secret key", ("KLING_SECRET_KEY",))),
        "https://api-singapore.klingai.com",
        regions={"global": "https://api-singapore.klingai.com", "legacy": "https://api.klingai.com",
                 "china": "https://api-beijing.klingai.com"},
        limit=2,
        models={"video": ("kling-v2-1", "kling-v2-1-master", "kling-v2-5-turbo", "kling-v2-6", "kling-v2-master",
                          "kling-v1-6", "kling-v1-5", "kling-v1"),
                "image": ("kling-v2-1", "kling-v2-new", "kling-v2", "kling-v1-5", "kling-v1")},
        docs_url="https://app.klingai.com/global/dev/document-api"),
    ProviderInfo(
        "gemini", "Google Gemini", _api_key("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        "https://generativelanguage.googleapis.com/v1beta",
        # A relay's Gemini-native passthrough (spec §4.4), chosen here, serves ComfyUI's Gemini nodes too.
        regions={"google": "https://generativelanguage.googleapis.com/v1beta",
                 "comfly": "https://ai.comfly.chat/v1beta", "t8star": "https://ai.t8star.cn/v1beta"},
        models={"image": _GEMINI_IMAGE, "chat": ("gemini-2.5-flash", "gemini-2.5-flash-lite")},
        docs_url="https://ai.google.dev/gemini-api/docs"),
    ProviderInfo(
        "dashscope", "Qwen (DashScope / 百炼)", _api_key("DASHSCOPE_API_KEY"),
        "https://dashscope.aliyuncs.com",
        regions={"beijing": "https://dashscope.aliyuncs.com", "singapore": "https://dashscope-intl.aliyuncs.com",
                 "virginia": "https://dashscope-us.aliyuncs.com"},
        models={"chat": ("qwen-vl-max", "qwen-vl-plus", "qwen3-vl-plus", "qwen-vl-ocr"),
                "image": ("qwen-image", "qwen-image-plus", "wan2.5-t2i-preview", "wan2.2-t2i-plus",
                          "wan2.2-t2i-flash", "wanx2.1-t2i-plus", "wanx2.1-t2i-turbo", "wanx-v1")},
        docs_url="https://help.aliyun.com/zh/model-studio/"),
    ProviderInfo(
        "siliconflow", "SiliconFlow (硅基流动)", _api_key("SILICONFLOW_API_KEY"),
        "https://api.siliconflow.cn/v1",
        regions={"cn": "https://api.siliconflow.cn/v1", "intl": "https://api.siliconflow.com/v1"},
        models={"chat": ("deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1"),
                "image": ("Kwai-Kolors/Kolors", "Qwen/Qwen-Image", "Qwen/Qwen-Image-Edit-2509",
                          "black-forest-labs/FLUX.1-schnell", "stabilityai/stable-diffusion-3-5-large"),
                "video": ("Wan-AI/Wan2.2-T2V-A14B", "Wan-AI/Wan2.2-I2V-A14B")},
        docs_url="https://docs.siliconflow.cn/"),
    ProviderInfo(
        "modelscope", "ModelScope (魔搭)", (Credential("token", "Access token", ("MODELSCOPE_API_TOKEN",)),),
        "https://api-inference.modelscope.cn/v1",
        models={"image": ("Qwen/Qwen-Image", "Qwen/Qwen-Image-Edit-2511", "Tongyi-MAI/Z-Image-Turbo",
                          "black-forest-labs/FLUX.1-Krea-dev", "MAILAND/majicflus_v1")},
        docs_url="https://modelscope.cn/docs/model-service/API-Inference/intro"),
    ProviderInfo(
        "runninghub", "RunningHub", _api_key("RUNNINGHUB_API_KEY"),
        "https://www.runninghub.cn",
        regions={"cn": "https://www.runninghub.cn", "intl": "https://www.runninghub.ai"},
        limit=1, docs_url="https://www.runninghub.cn/runninghub-api-doc/"),
    ProviderInfo(
        "ohmygpt", "OhMyGPT", _api_key("OHMYGPT_API_KEY"),
        "https://api.ohmygpt.com/v1",
        models={"chat": ("gpt-4o", "gemini-2.5-flash-lite"), "image": ("gpt-image-1", "dall-e-3")},
        docs_url="https://docs.ohmygpt.com/"),
    ProviderInfo(
        "cherryin", "CherryIN", _api_key("CHERRYIN_API_KEY"),
        "https://open.cherryin.net/v1",
        regions={"net": "https://open.cherryin.net/v1", "cc": "https://open.cherryin.cc/v1",
                 "ai": "https://open.cherryin.ai/v1"},
        models={"chat": ("anthropic/claude-sonnet-4.5",), "image": ("google/gemini-3-pro-image-preview",)},
        docs_url="https://open.cherryin.net/"),
    ProviderInfo(
        "comfly", "Comfly", _api_key(), "https://ai.comfly.chat",
        regions={"default": "https://ai.comfly.chat", "hk": "https://hk-api.gptbest.vip",
                 "gptbest": "https://api.gptbest.vip"},
        models={"image": _RELAY_IMAGE}),
    ProviderInfo(
        "t8star", "T8Star", _api_key(), "https://ai.t8star.cn", models={"image": _RELAY_IMAGE}),
    # Any other OpenAI-compatible endpoint: the user sets its base URL (a local server, a
    # relay, OpenAI itself) in the provider settings.
    ProviderInfo(
        "openai_custom", "OpenAI-compatible (custom endpoint)", _api_key("OPENAI_API_KEY"),
        "https://api.openai.com/v1",
        # ComfyUI's OpenAI nodes call this provider: OpenAI itself, or a relay chosen here.
        regions={"openai": "https://api.openai.com/v1", "ohmygpt": "https://api.ohmygpt.com/v1",
                 "cherryin": "https://open.cherryin.net/v1"},
        models={"chat": ("gpt-4o-mini", "gpt-4o"), "image": ("gpt-image-1",)}),
)}


def env_vars() -> dict[tuple[str, str], tuple[str, ...]]:
    """``(provider, credential)`` → every environment variable read for it, for
    ``SecretStore(env_vars=...)``."""
    return {(p.name, c.name): p.env_vars(c.name) for p in PROVIDERS.values() for c in p.credentials}
