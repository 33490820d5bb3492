"""Creates are never paid twice: every Kling create carries an ``external_task_id``;
when its answer is lost (a 5xx or a timeout after Kling made the task) the task is
found by that id in Kling's task list and adopted, and only a create Kling never
recorded is sent again — with the same id, which Kling would refuse as a duplicate."""
from __future__ import annotations

import httpx

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.base import json_body
from tests.fakes.kling import KlingFake
from tests.providers.kling.conftest import t2v_graph


def externals(kling: KlingFake) -> list[str]:
    return [json_body(r)["external_task_id"] for r in kling.creates()]


async def test_a_lost_answer_is_found_by_its_external_id_and_not_sent_again(krt: Runtime, kling: KlingFake):
    kling.lose_next_answers(503)
    record = await run_graph(krt, t2v_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(kling.creates()) == 1 and len(kling.tasks) == 1
    task_id = record.outputs["p1"]["text"][0]
    assert kling.tasks[task_id].body["external_task_id"] == externals(kling)[0]


async def test_a_timed_out_create_is_found_too(krt: Runtime, kling: KlingFake):
    krt.providers.timeout = httpx.Timeout(0.3)
    kling.lose_next_answers(503, delay_s=1.0)
    record = await run_graph(krt, t2v_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(kling.creates()) == 1 and len(kling.tasks) == 1


async def test_a_create_kling_never_recorded_is_sent_again_with_the_same_id(krt: Runtime, kling: KlingFake):
    kling.fail_next(503, {"code": 5000, "message": "internal error"}, path_prefix="/v1/videos/text2video")
    record = await run_graph(krt, t2v_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(kling.tasks) == 1
    first, second = externals(kling)
    assert first == second and first.startswith("kg-")


async def test_two_jobs_use_two_ids(krt: Runtime, kling: KlingFake):
    for prompt in ("one", "two"):
        assert (await run_graph(krt, t2v_graph(prompt=prompt))).status == JobStatus.SUCCESS
    assert len(set(externals(kling))) == 2
