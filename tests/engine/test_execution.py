"""The scheduler and cache, through the public submit → wait path: results, caching
and partial re-runs, concurrency without generation barriers, failures, cancellation,
lazy inputs, list mapping, and ComfyUI V1 semantics."""
from __future__ import annotations

import asyncio

from keroro_graph.engine.events import (JobFailed, JobInterrupted, JobStarted, JobSucceeded,
                                        NodeFinished, NodeProgress, NodesCached, NodeStarted)
from keroro_graph.jobs.backend import JobStatus
from tests.conftest import chain, run_graph, until


def started_ids(recorder, job_id):
    return [e.node_id for e in recorder.of(NodeStarted, job_id)]


async def test_chain_runs_and_reports_outputs(runtime, recorder):
    record = await run_graph(runtime, chain(50, start=7))
    assert record.status is JobStatus.SUCCESS
    assert record.outputs == {"out": {"text": ["57"]}}
    assert len(started_ids(recorder, record.id)) == 52
    kinds = [m[0] for m in record.messages]
    assert kinds == ["execution_start", "execution_cached", "execution_success"]


async def test_unchanged_rerun_is_fully_cached(runtime, recorder):
    first = await run_graph(runtime, chain(30))
    second = await run_graph(runtime, chain(30))
    assert started_ids(recorder, second.id) == []
    cached = recorder.of(NodesCached, second.id)[0].node_ids
    assert set(cached) == set(chain(30))
    # the output node's ui is re-sent from the cache, as ComfyUI clients expect
    assert second.outputs == first.outputs == {"out": {"text": ["31"]}}
    assert [e.node_id for e in recorder.of(NodeFinished, second.id)] == ["out"]


async def test_changing_one_widget_reruns_only_downstream(runtime, recorder):
    await run_graph(runtime, chain(20))
    changed = chain(20)
    changed["15"]["inputs"]["b"] = 5
    record = await run_graph(runtime, changed)
    assert sorted(started_ids(recorder, record.id)) == sorted(["15", "16", "17", "18", "19", "20", "out"])
    assert record.outputs["out"]["text"] == ["25"]


async def test_identical_subgraphs_share_results_across_ids(runtime, recorder):
    await run_graph(runtime, chain(10))
    renamed = {f"n{k}": {**v, "inputs": {name: ([f"n{val[0]}", val[1]] if isinstance(val, list) else val)
                                         for name, val in v["inputs"].items()}}
               for k, v in chain(10).items()}
    record = await run_graph(runtime, renamed)
    assert started_ids(recorder, record.id) == []


async def test_independent_async_nodes_overlap(runtime, recorder):
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}}}
    for i in range(10):
        graph[f"s{i}"] = {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 0.3 + i * 0.001}}
        graph[f"o{i}"] = {"class_type": "TestOutput", "inputs": {"source": [f"s{i}", 0]}}
    record = await run_graph(runtime, graph)
    sleeps = {f"s{i}" for i in range(10)}
    starts = [recorder.index(NodeStarted, node_id=s, job_id=record.id) for s in sleeps]
    first_end = min(recorder.index(NodeFinished, node_id=s, job_id=record.id) for s in sleeps)
    assert max(starts) < first_end, "every sleep started before any finished"


async def test_independent_sync_nodes_overlap_in_threads(runtime, recorder):
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}}}
    for i in range(4):
        graph[f"s{i}"] = {"class_type": "TestSleepSync", "inputs": {"value": ["c", 0], "seconds": 0.3 + i * 0.001}}
        graph[f"o{i}"] = {"class_type": "TestOutput", "inputs": {"source": [f"s{i}", 0]}}
    record = await run_graph(runtime, graph)
    sleeps = [f"s{i}" for i in range(4)]
    starts = [recorder.index(NodeStarted, node_id=s, job_id=record.id) for s in sleeps]
    first_end = min(recorder.index(NodeFinished, node_id=s, job_id=record.id) for s in sleeps)
    assert max(starts) < first_end


async def test_ready_nodes_start_without_waiting_for_a_slow_sibling(runtime, recorder):
    graph = {
        "c": {"class_type": "TestConst", "inputs": {"value": 1}},
        "slow": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 0.5}},
        "fast1": {"class_type": "TestAdd", "inputs": {"a": ["c", 0]}},
        "fast2": {"class_type": "TestAdd", "inputs": {"a": ["fast1", 0]}},
        "fast3": {"class_type": "TestAdd", "inputs": {"a": ["fast2", 0]}},
        "o1": {"class_type": "TestOutput", "inputs": {"source": ["slow", 0]}},
        "o2": {"class_type": "TestOutput", "inputs": {"source": ["fast3", 0]}},
    }
    record = await run_graph(runtime, graph)
    slow_end = recorder.index(NodeFinished, node_id="slow", job_id=record.id)
    assert recorder.index(NodeFinished, node_id="o2", job_id=record.id) < slow_end


async def test_failure_reports_node_and_keeps_process_healthy(runtime, recorder):
    graph = {
        "c": {"class_type": "TestConst", "inputs": {"value": 1}},
        "bad": {"class_type": "TestFail", "inputs": {"value": ["c", 0], "message": "disk on fire"}},
        "after": {"class_type": "TestAdd", "inputs": {"a": ["bad", 0]}},
        "o": {"class_type": "TestOutput", "inputs": {"source": ["after", 0]}},
    }
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.ERROR
    assert record.error["node_id"] == "bad"
    assert record.error["node_type"] == "TestFail"
    assert record.error["exception_type"] == "RuntimeError"
    assert record.error["exception_message"] == "disk on fire"
    assert any("disk on fire" in line for line in record.error["traceback"])
    assert record.error["current_inputs"]["message"] == ["disk on fire"]
    assert "after" not in started_ids(recorder, record.id)
    failed = recorder.of(JobFailed, record.id)[0]
    assert failed.node_id == "bad" and failed.message == "disk on fire"
    assert record.messages[-1][0] == "execution_error"
    assert (await run_graph(runtime, chain(3))).status is JobStatus.SUCCESS


async def test_running_siblings_finish_and_are_cached_after_a_failure(runtime, recorder):
    graph = {
        "c": {"class_type": "TestConst", "inputs": {"value": 3}},
        "paid": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 0.3}},
        "bad": {"class_type": "TestFail", "inputs": {"value": ["c", 0]}},
        "o1": {"class_type": "TestOutput", "inputs": {"source": ["paid", 0]}},
        "o2": {"class_type": "TestOutput", "inputs": {"source": ["bad", 0]}},
    }
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.ERROR
    assert "paid" in [e.node_id for e in recorder.of(NodeFinished, record.id)]
    again = await run_graph(runtime, {k: graph[k] for k in ("c", "paid", "o1")})
    assert "paid" not in started_ids(recorder, again.id)


async def test_cancel_running_job_stops_promptly(runtime, recorder):
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
             "s": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 60}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}}
    submitted = await runtime.jobs.submit(graph)
    await until(lambda: any(e.node_id == "s" for e in recorder.of(NodeStarted, submitted.prompt_id)))
    assert await runtime.jobs.cancel(submitted.prompt_id) is JobStatus.RUNNING
    record = await runtime.jobs.wait(submitted.prompt_id, timeout_s=5)
    assert record.status is JobStatus.INTERRUPTED
    assert recorder.of(JobInterrupted, record.id)[0].node_id == "s"
    assert record.messages[-1][0] == "execution_interrupted"


async def test_cancel_between_nodes_ends_the_job(runtime, recorder):
    """An interrupt that lands after a node finished and before the next node's task took
    its first step (a remote interrupt, Stop pressed at that moment) still ends the job."""
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
             "s": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 60}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}}
    interrupted: list[str] = []

    def on_event(event):  # runs in the engine's emit, as "c" finishes, before "s" is started
        if isinstance(event, NodeFinished) and event.node_id == "c" and not interrupted:
            interrupted.extend(runtime.jobs.interrupt(event.job_id))
    runtime.bus.subscribe(on_event)
    submitted = await runtime.jobs.submit(graph)
    record = await runtime.jobs.wait(submitted.prompt_id, timeout_s=30)
    assert interrupted == [submitted.prompt_id]
    assert record.status is JobStatus.INTERRUPTED
    assert "s" not in started_ids(recorder, record.id)
    assert recorder.of(JobInterrupted, record.id)[0].node_id == "s"


async def test_cancel_sync_node_between_progress_steps(runtime, recorder):
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
             "p": {"class_type": "TestProgress", "inputs": {"value": ["c", 0], "steps": 500, "step_seconds": 0.02}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["p", 0]}}}
    submitted = await runtime.jobs.submit(graph)
    await until(lambda: recorder.of(NodeProgress, submitted.prompt_id))
    await runtime.jobs.cancel(submitted.prompt_id)
    record = await runtime.jobs.wait(submitted.prompt_id, timeout_s=5)
    assert record.status is JobStatus.INTERRUPTED


async def test_progress_events_reach_the_bus(runtime, recorder):
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
             "p": {"class_type": "TestProgress", "inputs": {"value": ["c", 0], "steps": 4}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["p", 0]}}}
    record = await run_graph(runtime, graph)
    progress = recorder.of(NodeProgress, record.id)
    assert progress and progress[-1].value == progress[-1].max == 4
    assert all(e.node_id == "p" for e in progress)


async def test_lazy_inputs_evaluate_only_the_chosen_branch(runtime, recorder):
    graph = {
        "c": {"class_type": "TestConst", "inputs": {"value": 5}},
        "good": {"class_type": "TestAdd", "inputs": {"a": ["c", 0], "b": 10}},
        "bad": {"class_type": "TestFail", "inputs": {"value": ["c", 0]}},
        "pick": {"class_type": "TestLazyPick", "inputs": {"use_a": True, "a": ["good", 0], "b": ["bad", 0]}},
        "o": {"class_type": "TestOutput", "inputs": {"source": ["pick", 0]}},
    }
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.outputs["o"]["text"] == ["15"]
    assert "bad" not in started_ids(recorder, record.id)


async def test_comfy_v1_lazy_switch(runtime, recorder):
    graph = {
        "c": {"class_type": "TestConst", "inputs": {"value": 2}},
        "bad": {"class_type": "TestFail", "inputs": {"value": ["c", 0]}},
        "sw": {"class_type": "StyleSwitch", "inputs": {"pick_first": "false", "first": ["bad", 0], "second": ["c", 0]}},
        "o": {"class_type": "StyleShow", "inputs": {"anything": ["sw", 0]}},
    }
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.outputs["o"]["text"] == ["2"]


async def test_list_mapping_split_map_join(runtime):
    graph = {
        "split": {"class_type": "StyleSplit", "inputs": {"text": "a,b,c"}},
        "up": {"class_type": "StyleUpper", "inputs": {"text": ["split", 0], "suffix": "!"}},
        "join": {"class_type": "StyleJoin", "inputs": {"text": ["up", 0], "sep": "+"}},
        "o": {"class_type": "StyleShow", "inputs": {"anything": ["join", 0]}},
    }
    record = await run_graph(runtime, graph)
    assert record.outputs["o"]["text"] == ["A!+B!+C!"]


async def test_v1_hidden_inputs_and_multiple_outputs(runtime):
    graph = {
        "m": {"class_type": "StyleMultiply", "inputs": {"value": 7, "factor": 1.5, "mode": "floor"}},
        "o1": {"class_type": "StyleShow", "inputs": {"anything": ["m", 0]}},
        "o2": {"class_type": "StyleShow", "inputs": {"anything": ["m", 1]}},
    }
    record = await run_graph(runtime, graph)
    assert record.outputs["o1"]["text"] == ["10"]
    assert record.outputs["o2"]["text"] == ["m:10:prompt"]


async def test_v1_async_function_with_ui_and_result(runtime):
    graph = {"e": {"class_type": "StyleAsyncEcho", "inputs": {"text": "hey"}},
             "o": {"class_type": "StyleShow", "inputs": {"anything": ["e", 0]}}}
    record = await run_graph(runtime, graph)
    assert record.outputs["o"]["text"] == ["HEY"]


async def test_is_changed_nan_reruns_and_instances_persist(runtime, recorder):
    graph = {"n": {"class_type": "StyleCounter", "inputs": {"tick": 0}},
             "o": {"class_type": "StyleShow", "inputs": {"anything": ["n", 0]}}}
    first = await run_graph(runtime, graph)
    second = await run_graph(runtime, graph)
    assert first.outputs["o"]["text"] == ["1"]
    assert second.outputs["o"]["text"] == ["2"]


async def test_fingerprint_decides_cache_hits(runtime, recorder):
    def graph(token):
        return {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
                "f": {"class_type": "TestChangeFingerprint", "inputs": {"value": ["c", 0], "token": token}},
                "o": {"class_type": "TestOutput", "inputs": {"source": ["f", 0]}}}
    await run_graph(runtime, graph("x"))
    same = await run_graph(runtime, graph("x"))
    assert started_ids(recorder, same.id) == []
    always = await run_graph(runtime, graph("always"))
    again = await run_graph(runtime, graph("always"))
    assert "f" in started_ids(recorder, always.id) and "f" in started_ids(recorder, again.id)


async def test_duplicate_nodes_in_one_graph_run_once(runtime, recorder):
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
             "s1": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 0.2}},
             "s2": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 0.2}},
             "o1": {"class_type": "TestOutput", "inputs": {"source": ["s1", 0]}},
             "o2": {"class_type": "TestOutput", "inputs": {"source": ["s2", 0]}}}
    record = await run_graph(runtime, graph)
    assert len([n for n in started_ids(recorder, record.id) if n.startswith("s")]) == 1
    assert record.outputs["o1"] == record.outputs["o2"]


async def test_not_idempotent_nodes_are_keyed_by_id(runtime, recorder):
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
             "n1": {"class_type": "TestNotIdempotent", "inputs": {"value": ["c", 0]}},
             "n2": {"class_type": "TestNotIdempotent", "inputs": {"value": ["c", 0]}},
             "o1": {"class_type": "TestOutput", "inputs": {"source": ["n1", 0]}},
             "o2": {"class_type": "TestOutput", "inputs": {"source": ["n2", 0]}}}
    record = await run_graph(runtime, graph)
    assert {"n1", "n2"} <= set(started_ids(recorder, record.id))


async def test_several_jobs_run_at_once(runtime, recorder):
    def graph(i):
        return {"c": {"class_type": "TestConst", "inputs": {"value": i}},
                "s": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 0.3}},
                "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}}
    submitted = [await runtime.jobs.submit(graph(i)) for i in range(4)]
    for s in submitted:
        await runtime.jobs.wait(s.prompt_id, timeout_s=10)
    ids = {s.prompt_id for s in submitted}
    starts = [recorder.index(JobStarted, job_id=i) for i in ids]
    first_done = min(recorder.index(JobSucceeded, job_id=i) for i in ids)
    assert max(starts) < first_done


async def test_cache_never_exceeds_its_budget(settings, registry):
    from keroro_graph.runtime import build_runtime
    settings.cache_bytes = 5 * 1024 * 1024
    rt = build_runtime(settings, registry=registry)
    peaks = []
    rt.bus.subscribe(lambda e: peaks.append(rt.engine.cache.bytes))
    async with rt:
        for seed in range(6):
            graph = {"b": {"class_type": "TestBig", "inputs": {"megabytes": 2, "seed": seed}},
                     "o": {"class_type": "TestOutput", "inputs": {"source": ["b", 0]}}}
            record = await run_graph(rt, graph)
            assert record.status is JobStatus.SUCCESS
        assert max(peaks) <= settings.cache_bytes
        assert rt.engine.cache.evictions > 0
        # an entry larger than the whole budget is used but not kept
        huge = {"b": {"class_type": "TestBig", "inputs": {"megabytes": 8}},
                "o": {"class_type": "TestOutput", "inputs": {"source": ["b", 0]}}}
        assert (await run_graph(rt, huge)).status is JobStatus.SUCCESS
        assert rt.engine.cache.bytes <= settings.cache_bytes


async def test_front_of_queue_runs_first(settings, registry):
    from keroro_graph.runtime import build_runtime
    settings.max_jobs = 1
    settings.max_waiting_jobs = 0  # the sleeping blocker keeps its slot
    rt = build_runtime(settings, registry=registry)
    order = []
    rt.bus.subscribe(lambda e: order.append(e.job_id) if isinstance(e, JobStarted) else None)
    async with rt:
        blocker = await rt.jobs.submit({"c": {"class_type": "TestConst", "inputs": {"value": 1}},
                                        "s": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 0.3}},
                                        "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}})
        await until(lambda: blocker.prompt_id in order)
        normal = await rt.jobs.submit(chain(2, start=1))
        urgent = await rt.jobs.submit(chain(2, start=2), front=True)
        for s in (blocker, normal, urgent):
            await rt.jobs.wait(s.prompt_id, timeout_s=10)
    assert order == [blocker.prompt_id, urgent.prompt_id, normal.prompt_id]


async def test_pending_jobs_survive_a_restart(settings, registry):
    from keroro_graph.runtime import build_runtime
    rt = build_runtime(settings, registry=registry, run_workers=False)
    await rt.start()
    submitted = await rt.jobs.submit(chain(3, start=40))
    await rt.close()
    rt2 = build_runtime(settings, registry=registry)
    async with rt2:
        record = await rt2.jobs.wait(submitted.prompt_id, timeout_s=10)
    assert record.status is JobStatus.SUCCESS
    assert record.outputs["out"]["text"] == ["43"]


async def test_cancel_queued_job(settings, registry):
    from keroro_graph.runtime import build_runtime
    rt = build_runtime(settings, registry=registry, run_workers=False)
    await rt.start()
    try:
        submitted = await rt.jobs.submit(chain(2))
        assert await rt.jobs.cancel(submitted.prompt_id) is JobStatus.CANCELLED
        record = await rt.jobs.wait(submitted.prompt_id, timeout_s=2)
        assert record.status is JobStatus.CANCELLED
        assert await rt.jobs.queue_remaining() == 0
    finally:
        await rt.close()


async def test_duplicate_prompt_id_is_refused(runtime):
    first = await runtime.jobs.submit(chain(1), prompt_id="same")
    second = await runtime.jobs.submit(chain(1), prompt_id="same")
    assert first.accepted and not second.accepted
    assert second.error["type"] == "duplicate_prompt_id"
    await runtime.jobs.wait("same", timeout_s=5)


async def test_secrets_in_extra_data_are_not_stored(runtime):
    record = await run_graph(runtime, chain(1), extra_data={"api_key_comfy_org": "sk-secret", "note": "ok"})
    assert "api_key_comfy_org" not in record.extra_data
    assert "sk-secret" not in record.model_dump_json()
    assert record.extra_data["note"] == "ok"


async def test_long_chain_does_not_hit_recursion_limits(runtime):
    record = await run_graph(runtime, chain(3000), timeout_s=60)
    assert record.outputs["out"]["text"] == ["3001"]


def test_events_are_constant_size():
    # NodeProgress and friends carry ids and numbers, never graph state
    fields = {f for f in NodeProgress.__dataclass_fields__}
    assert fields == {"job_id", "timestamp_ms", "node_id", "value", "max"}




async def test_execution_blocker_stops_consumers_and_the_job_goes_on(runtime, recorder):
    from keroro_graph.engine.events import NodeBlocked
    graph = {
        "c": {"class_type": "TestConst", "inputs": {"value": 1}},
        "gate": {"class_type": "TestGate", "inputs": {"value": ["c", 0], "open": False, "message": "skipped on purpose"}},
        "bad": {"class_type": "TestFail", "inputs": {"value": ["gate", 0]}},
        "after": {"class_type": "TestAdd", "inputs": {"a": ["bad", 0]}},
        "o1": {"class_type": "TestOutput", "inputs": {"source": ["after", 0]}},
        "o2": {"class_type": "TestOutput", "inputs": {"source": ["c", 0]}},
    }
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS, record.error
    assert "o1" not in record.outputs, "a blocked output node shows nothing"
    assert record.outputs["o2"]["text"] == ["1"]
    blocked = recorder.of(NodeBlocked, record.id)
    assert [(b.node_id, b.message) for b in blocked] == [("bad", "skipped on purpose")], "reported once, by the first consumer"
    silent = dict(graph, gate={**graph["gate"], "inputs": {**graph["gate"]["inputs"], "message": ""}})
    record = await run_graph(runtime, silent)
    assert record.status is JobStatus.SUCCESS and not recorder.of(NodeBlocked, record.id)


async def test_failure_text_never_carries_a_stored_secret(runtime, recorder):
    runtime.secrets.set("gemini", "api_key", "AIzaSy-very-secret-value-123")
    # assembled while running (no widget holds it, so submit cannot refuse it)
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
             "key": {"class_type": "StringConcatenate",
                     "inputs": {"string_a": "refused key AIzaSy-very-", "string_b": "secret-value-123"}},
             "bad": {"class_type": "TestFail", "inputs": {"value": ["c", 0], "message": ["key", 0]}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["bad", 0]}}}
    record = await run_graph(runtime, graph)
    assert "very-secret" not in record.model_dump_json()
    assert "very-secret" not in str(recorder.of(JobFailed, record.id))
    assert record.error["exception_message"] == "refused key ***"


async def test_a_stored_key_pasted_into_a_widget_is_refused_at_submit(runtime):
    runtime.secrets.set("gemini", "api_key", "AIzaSy-very-secret-value-123")
    for pasted in ("AIzaSy-very-secret-value-123", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJrIn0.c2lnbmF0dXJl"):
        graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
                 "bad": {"class_type": "TestFail", "inputs": {"value": ["c", 0], "message": f"key {pasted}"}},
                 "o": {"class_type": "TestOutput", "inputs": {"source": ["bad", 0]}}}
        result = await runtime.jobs.submit(graph)
        assert not result.accepted
        body = str(result.as_json())
        assert "very-secret" not in body and "eyJ" not in body
        assert result.node_errors["bad"]["errors"][0]["extra_info"] == {"input_name": "message"}
        assert "secret store" in result.node_errors["bad"]["errors"][0]["details"]
    titled = {"c": {"class_type": "TestConst", "inputs": {"value": 1},
                    "_meta": {"title": "AIzaSy-very-secret-value-123"}},
              "o": {"class_type": "TestOutput", "inputs": {"source": ["c", 0]}}}
    result = await runtime.jobs.submit(titled)  # the title would reach SaveImage's metadata
    assert not result.accepted and result.node_errors["c"]["errors"][0]["extra_info"] == {"input_name": "_meta"}
    assert await runtime.jobs.backend.count() == 0
