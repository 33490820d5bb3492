"""RunningHub's wire types (spec §8): the ``{code, msg, data}`` envelope, the task
and AI-app requests with their ``nodeInfoList``, created tasks, output files, the
``failedReason`` of a failed task and the account status. Responses tolerate
unknown fields and numbers sent as strings (RunningHub mixes both); requests forbid
unknown fields so a typo fails here. No HTTP, no nodes."""
from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

INSTANCE_TYPES = ("default", "plus")
#: Output file types decoded into the IMAGE and VIDEO outputs; others (gif, txt,
#: zip, audio) appear only in the list of file URLs.
IMAGE_TYPES = frozenset({"png", "jpg", "jpeg", "webp", "bmp"})
VIDEO_TYPES = frozenset({"mp4", "webm", "mov", "avi", "mkv"})


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def wire(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class NodeInfo(_Request):
    """One override of a field in the workflow: ``{"nodeId": "6", "fieldName": "text", "fieldValue": "..."}``.
    ``fieldValue`` must have the type of the field it replaces."""

    nodeId: str
    fieldName: str
    fieldValue: Any


class CreateRequest(_Request):
    workflowId: str
    nodeInfoList: list[NodeInfo] = Field(default_factory=list)
    #: "plus" asks for a 48 GB machine; left out for the default.
    instanceType: Literal["plus"] | None = None


class AIAppRequest(_Request):
    webappId: str
    nodeInfoList: list[NodeInfo] = Field(default_factory=list)
    instanceType: Literal["plus"] | None = None


class _Response(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)


class Envelope(_Response):
    code: int
    msg: str = ""
    data: Any = None


class CreatedTask(_Response):
    taskId: str
    taskStatus: str | None = None
    clientId: str | None = None
    #: Documented as unstable and often null: never relied on.
    netWssUrl: str | None = None
    #: ComfyUI's validation result as a JSON string.
    promptTips: str | None = None

    def prompt_problems(self) -> str | None:
        """The node errors promptTips reports, as one line, or None."""
        try:
            tips = json.loads(self.promptTips or "{}")
        except ValueError:
            return None
        if not isinstance(tips, dict):
            return None
        errors = tips.get("node_errors") or {}
        if tips.get("result") is not False and not errors:
            return None
        parts = [f"node {node}: {json.dumps(detail)[:200]}" for node, detail in dict(errors).items()]
        return "; ".join(parts) or str(tips.get("error") or "the workflow did not validate")


class OutputFile(_Response):
    fileUrl: str
    fileType: str = ""
    nodeId: str | None = None
    taskCostTime: str | None = None
    consumeCoins: str | None = None

    @property
    def kind(self) -> str:
        """The file's extension, from fileType or else the URL ("png", "mp4", ...)."""
        declared = self.fileType.lower().lstrip(".")
        if declared:
            return declared
        tail = self.fileUrl.split("?", 1)[0].rsplit("/", 1)[-1]
        return tail.rsplit(".", 1)[-1].lower() if "." in tail else ""


class FailedReason(_Response):
    node_id: str | None = None
    node_name: str | None = None
    exception_type: str | None = None
    exception_message: str | None = None
    traceback: str | None = None

    def summary(self) -> str:
        where = f"node {self.node_id}" if self.node_id else "a node"
        if self.node_name:
            where += f" ({self.node_name})"
        what = ": ".join(p for p in (self.exception_type, self.exception_message) if p) or "an unknown error"
        return f"{where} raised {what}"


class AccountStatus(_Response):
    remainCoins: str | None = None
    currentTaskCounts: str | None = None
    remainMoney: str | None = None
    currency: str | None = None
    apiType: str | None = None

    def summary(self) -> str:
        parts = [f"remainCoins: {self.remainCoins}", f"currentTaskCounts: {self.currentTaskCounts}",
                 f"apiType: {self.apiType}"]
        if self.remainMoney is not None:
            parts.append(f"remainMoney: {self.remainMoney} {self.currency or ''}".rstrip())
        return "\n".join(parts)
