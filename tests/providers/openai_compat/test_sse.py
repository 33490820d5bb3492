"""The SDK's SSE parser (``sse_events``) on the edge cases relays produce: events
split anywhere across network chunks, CRLF line ends, comments and other fields,
multi-line data, non-JSON data, error events and the ``[DONE]`` terminator."""
from __future__ import annotations

from typing import Any, AsyncIterator

import pytest

from keroro_graph.api import ProviderError, RateLimitedError, sse_events


async def chunks(*parts: str) -> AsyncIterator[str]:
    for part in parts:
        yield part


async def parse(*parts: str) -> list[dict[str, Any]]:
    return [event async for event in sse_events(chunks(*parts))]


STREAM = ('data: {"choices": [{"delta": {"content": "Hel"}}]}\n\n'
          'data: {"choices": [{"delta": {"content": "lo"}}]}\n\n'
          'data: [DONE]\n\n')


async def test_whole_events():
    events = await parse(STREAM)
    assert [e["choices"][0]["delta"]["content"] for e in events] == ["Hel", "lo"]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 13])
async def test_events_split_at_every_position(size: int):
    parts = [STREAM[i:i + size] for i in range(0, len(STREAM), size)]
    events = await parse(*parts)
    assert [e["choices"][0]["delta"]["content"] for e in events] == ["Hel", "lo"]


async def test_split_inside_the_blank_line_and_crlf():
    crlf = STREAM.replace("\n", "\r\n")
    events = await parse(crlf[:50], crlf[50:51], crlf[51:])
    assert len(events) == 2


async def test_comments_and_other_fields_are_ignored():
    events = await parse(": keep-alive\n\n", "event: message\nid: 7\nretry: 100\n"
                         'data: {"n": 1}\n\n', ": ping\n\n", "data: [DONE]\n\n")
    assert events == [{"n": 1}]


async def test_multi_line_data_is_joined():
    assert await parse('data: {"a":\ndata: 1}\n\n') == [{"a": 1}]


async def test_data_without_a_space_after_the_colon():
    assert await parse('data:{"a": 2}\n\n') == [{"a": 2}]


async def test_nothing_after_done_is_read():
    events = await parse('data: {"a": 1}\n\ndata: [DONE]\n\n', 'data: {"b": 2}\n\n')
    assert events == [{"a": 1}]


async def test_done_split_across_chunks():
    assert await parse('data: {"a": 1}\n\ndata: [DO', "NE]\n\n") == [{"a": 1}]


async def test_stream_ending_without_done():
    assert await parse('data: {"a": 1}\n\n') == [{"a": 1}]


async def test_non_json_data_and_non_objects_are_skipped():
    assert await parse("data: hello\n\n", "data: [1, 2]\n\n", 'data: {"a": 3}\n\n') == [{"a": 3}]


async def test_a_trailing_event_without_blank_line_is_not_emitted():
    # An event is complete only at its blank line; a truncated one is dropped.
    assert await parse('data: {"a": 1}\n\ndata: {"b": 2}') == [{"a": 1}]


async def test_error_events_raise():
    with pytest.raises(ProviderError) as failed:
        await parse('data: {"a": 1}\n\n', 'data: {"error": {"message": "upstream died"}}\n\n')
    assert "upstream died" in str(failed.value) and not failed.value.retryable
    with pytest.raises(RateLimitedError):
        await parse('data: {"error": {"message": "rate limit exceeded"}}\n\n')


@pytest.mark.parametrize("size", [1, 2])
async def test_crlf_split_between_cr_and_lf(size: int):
    crlf = STREAM.replace("\n", "\r\n")
    events = await parse(*[crlf[i:i + size] for i in range(0, len(crlf), size)])
    assert len(events) == 2
