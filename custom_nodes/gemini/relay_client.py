"""RelayClient: Gemini image models through the Comfly and T8Star relays (spec §4),
which speak the OpenAI wire format with bearer keys. Convention A streams a chat
completion whose text carries the image; Convention B uses the images API, submitted
with ``?async=true`` and polled at ``/v1/images/tasks/{id}`` (a relay that answers
synchronously with ``data`` is accepted too). T8Star has no documentation of its own;
it is treated as the Comfly mirror it behaves as. Nothing here knows about nodes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, ClassVar

from keroro_graph.api import (ChatResult, OpenAICompatClient, ProviderError,
                              ProviderUnavailableError, TaskFailedError, TaskStatus, user_message)

from .models import ImageItem, ImageTask
from .text_images import decode_base64_image, fetch_refs, image_refs

Sleep = Callable[[float], Awaitable[None]]

_QUEUED = {"NOT_START", "SUBMITTED", "QUEUED", "PENDING"}
_DONE = {"SUCCESS", "SUCCEEDED", "SUCCEED", "COMPLETED"}
_FAILED = {"FAILURE", "FAILED", "ERROR", "CANCELLED", "CANCELED"}


@dataclass
class ImagesAnswer:
    """What the images API answered: a task to poll, or the images themselves."""

    task_id: str | None = None
    items: list[ImageItem] = field(default_factory=list)


class RelayClient(OpenAICompatClient):
    chat_path = "/v1/chat/completions"
    images_path = "/v1/images/generations"
    edits_path = "/v1/images/edits"
    #: Largest result image accepted, downloaded or decoded (tests lower it).
    max_result_bytes: ClassVar[int] = 64 * 1024 * 1024

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Some configurations name the API root (".../v1"); our paths carry it already.
        self.base_url = self.base_url.removesuffix("/v1")

    # --- Convention A --------------------------------------------------------------------
    async def chat_image(self, model: str, prompt: str, image_urls: list[str], *, seed: int = 0,
                         sleep: Sleep | None = None) -> ChatResult:
        """A streamed chat completion carrying ``image_urls`` (data URLs). Only a refused
        connection or a rate limit is retried; a 5xx, or a stream that breaks off or
        stalls once the request is sent, is not, since the relay may have charged for it
        (the SDK's ``chat_stream`` rule for every request that starts paid work)."""
        options: dict[str, Any] = {}
        if seed > 0:
            options["seed"] = seed  # Comfly's own node leaves 0 out, so we do too
        messages = [user_message(prompt, image_urls)]
        return await self.chat_stream(model, messages, sleep=sleep, **options)

    async def chat_images(self, result: ChatResult, *, sleep: Sleep | None = None) -> list[bytes]:
        """Images of a chat answer: found in its text (spec order), else in
        ``message.images``. Raises TaskFailedError quoting the text when none."""
        refs = image_refs(result.text) or list(result.image_urls)
        blobs = await fetch_refs(self, refs, max_bytes=self.max_result_bytes, sleep=sleep)
        if not blobs:
            said = result.text.strip()[:300] or "(nothing)"
            raise self.error(TaskFailedError, f"the answer holds no image; it said: {said}")
        return blobs

    # --- Convention B --------------------------------------------------------------------
    async def submit_images(self, model: str, prompt: str, frames: list[bytes], *, aspect_ratio: str | None,
                            image_size: str | None, seed: int = 0, sleep: Sleep | None = None) -> ImagesAnswer:
        """``/v1/images/generations`` (JSON), or ``/v1/images/edits`` (multipart) when
        there are input frames, asking for an async task."""
        fields: dict[str, Any] = {"model": model, "prompt": prompt, "response_format": "url"}
        if aspect_ratio:
            fields["aspect_ratio"] = aspect_ratio
        if image_size:
            fields["image_size"] = image_size
        if seed > 0:
            fields["seed"] = seed
        params = {"async": "true"}
        if frames:
            files = [("image", (f"image_{i}.png", data, "image/png")) for i, data in enumerate(frames)]
            body = await self.request("POST", self.edits_path, data={k: str(v) for k, v in fields.items()},
                                      files=files, params=params, sleep=sleep, create=True)
        else:
            body = await self.request("POST", self.images_path, json=fields, params=params, sleep=sleep,
                                      create=True)
        return self._answer(body)

    def _answer(self, body: Any) -> ImagesAnswer:
        if isinstance(body, dict) and isinstance(body.get("task_id"), (str, int)) and body["task_id"] != "":
            return ImagesAnswer(task_id=str(body["task_id"]))
        if isinstance(body, dict) and isinstance(body.get("data"), list):
            return ImagesAnswer(items=[ImageItem.model_validate(i) for i in body["data"] if isinstance(i, dict)])
        raise self.error(ProviderError, "the images API answered with neither task_id nor data")

    async def task_status(self, task_id: str, *, sleep: Sleep | None = None) -> TaskStatus:
        """One poll of ``/v1/images/tasks/{id}`` in the poller's terms."""
        body, task = await self._read_task(task_id, sleep=sleep)
        state = task.status.upper()
        if state in _DONE:
            return TaskStatus("succeeded", progress=1.0, result=task.items, raw=body)
        if state in _FAILED:
            return TaskStatus("failed", message=f"task {task_id} failed: {task.fail_reason or state}", raw=body)
        return TaskStatus("queued" if state in _QUEUED else "running", progress=task.fraction(),
                          message=state.lower(), raw=body)

    async def _read_task(self, task_id: str, *, sleep: Sleep | None) -> tuple[Any, ImageTask]:
        # HTTP failures are retried inside request(); this loop only re-asks when a 200
        # answer carries no status (relays send a bare error envelope now and then).
        for attempt in range(1, self.retry.max_attempts + 1):
            body = await self.request("GET", f"/v1/images/tasks/{task_id}", sleep=sleep)
            task = ImageTask.from_body(body)
            if task is not None:
                return body, task
            if attempt < self.retry.max_attempts:
                await (sleep or self.sleep)(self.retry.delay(attempt))
        raise self.error(ProviderUnavailableError, f"task {task_id}: the status answer has no status field")

    async def item_images(self, items: list[ImageItem], *, sleep: Sleep | None = None) -> list[bytes]:
        """Bytes of each result item (``b64_json`` decoded, ``url`` downloaded)."""
        blobs = []
        for item in items:
            if item.b64_json:
                blobs.append(decode_base64_image(item.b64_json, max_bytes=self.max_result_bytes,
                                                 provider=self.provider))
            elif item.url:
                blobs += await fetch_refs(self, [item.url], max_bytes=self.max_result_bytes, sleep=sleep)
        if not blobs:
            raise self.error(TaskFailedError, "the task succeeded but returned no images")
        return blobs


class ComflyClient(RelayClient):
    provider = "comfly"


class T8StarClient(RelayClient):
    provider = "t8star"


RELAY_CLIENTS: dict[str, type[RelayClient]] = {"comfly": ComflyClient, "t8star": T8StarClient}
