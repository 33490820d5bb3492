"""The structured answers of the tools that return plain data, as TypedDicts: the SDK
turns each into the tool's output schema, so an assistant knows the shape before it
calls. Fields a server answer may leave out are not required (``total=False``);
entries that mirror a server document keep its own keys (``dict[str, Any]``)."""
from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict


class WorkflowEntry(TypedDict, total=False):
    name: str
    size: int
    modified: float


class WorkflowList(TypedDict):
    workflows: list[WorkflowEntry]


class WorkflowDescription(TypedDict):
    source: str
    nodes: list[dict[str, Any]]
    inputs: list[dict[str, Any]]


class BatchEntry(TypedDict, total=False):
    index: int
    job_id: str
    status: str
    error: str


class BatchAnswer(TypedDict):
    source: str
    jobs: list[BatchEntry]


class JobSummary(TypedDict, total=False):
    id: str
    status: str
    created_at: Any
    started_at: Any
    finished_at: Any
    duration_s: Any
    error: Any
    output_nodes: list[str]


class JobList(TypedDict):
    jobs: list[JobSummary]
    total: Any
    limit: int
    offset: int


class CancelAnswer(TypedDict, total=False):
    id: str
    status: str


class TemplateList(TypedDict, total=False):
    templates: list[dict[str, Any]]


class TemplateDocument(TypedDict):
    name: str
    source: str
    template: Any


class NodeEntry(TypedDict, total=False):
    class_type: str
    display_name: Any
    category: Any
    inputs: dict[str, str]
    outputs: list[str]
    output_node: Any


class NodeList(TypedDict):
    total: int
    nodes: list[NodeEntry]
    categories: list[str]


class NodeDescription(TypedDict, total=False):
    class_type: str
    display_name: Any
    category: Any
    description: Any
    output_node: Any
    inputs: list[dict[str, Any]]
    outputs: list[dict[str, Any]]


class ModelList(TypedDict):
    models: dict[str, dict[str, Any]]


class Uploaded(TypedDict, total=False):
    name: str
    subfolder: str
    type: str
    load_image_value: str
    hint: str


class Credential(TypedDict, total=False):
    name: str
    label: Any
    set: bool
    masked: Any
    source: Any
    env: Any


class ProviderSettings(TypedDict, total=False):
    name: str
    display_name: Any
    configured: Any
    base_url: Any
    region: Any
    regions: Any
    limit: Any
    model_kinds: Any
    docs_url: Any
    credentials: list[Credential]


class Settings(TypedDict):
    server: str
    providers: list[ProviderSettings]


class KeyStored(TypedDict, total=False):
    provider: str
    credential: str
    configured: Any
    credentials: list[Credential]


class Status(TypedDict, total=False):
    server: str
    status: Any
    error: str
    checks: Any
    queue_depth: int
    queued: Any
    running: list[dict[str, Any]]
    versions: dict[str, Any]


class Saved(TypedDict, total=False):
    name: str
    size: int
    modified: float
    format: str
    redacted: bool
    source: str
    deleted: str
