"""DashScope's wire types (specs/providers.md §5): the native text-to-image request,
the task answers, and the native error body. Every model ignores fields it does not
know, because Alibaba adds fields (``task_metrics``, ``usage``, timing) without notice;
only what the client reads is declared. No HTTP here."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- native text-to-image (§5.3) -------------------------------------------------------------

class SynthesisInput(Wire):
    prompt: str
    negative_prompt: str | None = None


class SynthesisParameters(Wire):
    size: str
    n: int = 1
    seed: int | None = None
    style: str | None = None
    prompt_extend: bool | None = None
    watermark: bool | None = None


class SynthesisRequest(Wire):
    model: str
    input: SynthesisInput
    parameters: SynthesisParameters

    def body(self) -> dict[str, Any]:
        """The JSON body: unset options are left out rather than sent as null."""
        return self.model_dump(exclude_none=True)


class CreatedOutput(Wire):
    task_id: str
    task_status: str = "PENDING"


class TaskCreated(Wire):
    request_id: str = ""
    output: CreatedOutput


class ResultItem(Wire):
    """One image of a task: a ``url``, or ``code``/``message`` when that image failed."""

    url: str | None = None
    code: str | None = None
    message: str | None = None
    actual_prompt: str | None = None


class TaskOutput(Wire):
    task_id: str = ""
    task_status: str
    results: list[ResultItem] = Field(default_factory=list)
    #: Video synthesis answers with one video instead of ``results``.
    video_url: str | None = None
    code: str | None = None
    message: str | None = None
    task_metrics: dict[str, Any] | None = None


class TaskAnswer(Wire):
    request_id: str = ""
    output: TaskOutput


class NativeError(Wire):
    """``{"request_id", "code", "message"}`` (§5.4)."""

    code: str = ""
    message: str = ""
    request_id: str = ""


# --- temporary file storage (oss:// URLs) -----------------------------------------------------

class UploadPolicyData(Wire):
    """``GET /api/v1/uploads?action=getPolicy&model=...`` → a one-time form upload
    policy for the account's temporary storage."""

    upload_host: str
    upload_dir: str
    oss_access_key_id: str
    signature: str
    policy: str
    x_oss_object_acl: str = "private"
    x_oss_forbid_overwrite: str = "true"


class UploadPolicy(Wire):
    request_id: str = ""
    data: UploadPolicyData
