"""EmbeddedBackend: what only a durable, single-process SQLite store can show, on real files."""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from keroro_graph.errors import JobError
from keroro_graph.jobs.backend import FINISHED, JobRecord, JobStatus
from keroro_graph.jobs.embedded import SCHEMA_VERSION, EmbeddedBackend


def make_job(job_id: str, number: float = 0) -> JobRecord:
    return JobRecord(id=job_id, number=number,
                     prompt={"1": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}})


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "user" / "deep" / "jobs.sqlite3"


async def test_queue_and_history_survive_close_and_reopen(db_path: Path) -> None:
    store = EmbeddedBackend(db_path)
    assert await store.open() == []
    for job_id, number in [("done", 0), ("dropped", 1), ("later", 3), ("sooner", 2)]:
        await store.submit(make_job(job_id, number))
    await store.lease("w")
    await store.finish("done", JobStatus.SUCCESS, outputs={"9": {"images": []}}, meta={},
                       messages=[["execution_success", {"prompt_id": "done"}]])
    await store.cancel("dropped")
    before = {job.id: job for job in await store.list()}
    await store.close()

    reopened = EmbeddedBackend(db_path)
    assert await reopened.open() == []
    try:
        assert {job.id: job for job in await reopened.list()} == before
        history = await reopened.list(statuses=FINISHED)
        assert [job.id for job in history] == ["done", "dropped"]
        await asyncio.wait_for(reopened.wait_for_work(60), 10)  # queued jobs wake workers
        assert (await reopened.lease("w2")).id == "sooner"
        assert (await reopened.lease("w2")).id == "later"
    finally:
        await reopened.close()


CRASHING_WORKER = textwrap.dedent("""
    import asyncio, sys
    from keroro_graph.jobs.backend import JobRecord
    from keroro_graph.jobs.embedded import EmbeddedBackend

    async def main():
        store = EmbeddedBackend(sys.argv[1])
        await store.open()
        for job_id, number in (("victim", 0), ("next", 1)):
            await store.submit(JobRecord(id=job_id, number=number, prompt={"1": {}}))
        await store.lease("doomed-worker")
        print("leased", flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())
""")


async def test_a_job_running_when_the_process_is_killed_comes_back_interrupted(
        db_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CRASHING_WORKER, str(db_path), stdout=asyncio.subprocess.PIPE)
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert line.strip() == b"leased"
    finally:
        if process.returncode is None:
            os.kill(process.pid, signal.SIGKILL)
        await process.wait()
    assert process.returncode == -signal.SIGKILL

    store = EmbeddedBackend(db_path)
    assert await store.open() == ["victim"]
    try:
        victim = await store.get("victim")
        assert victim.status is JobStatus.INTERRUPTED
        assert victim.worker_id == "doomed-worker" and victim.finished_at is not None
        assert "server stopped" in victim.error["exception_message"]
        assert [job.id for job in await store.list(statuses=FINISHED)] == ["victim"]
        assert (await store.lease("w")).id == "next"
    finally:
        await store.close()


async def test_the_file_is_in_wal_mode_with_a_schema_version(db_path: Path) -> None:
    store = EmbeddedBackend(db_path)
    await store.open()
    await store.submit(make_job("a"))
    outside = sqlite3.connect(db_path)
    try:
        assert outside.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert outside.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert outside.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == 1
    finally:
        outside.close()
        await store.close()


async def test_a_store_from_a_newer_version_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as outside:
        outside.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    outside.close()
    with pytest.raises(JobError, match="schema"):
        await EmbeddedBackend(db_path).open()


async def test_a_second_open_of_the_same_file_is_refused_until_the_first_closes(
        db_path: Path) -> None:
    first = EmbeddedBackend(db_path)
    await first.open()
    await first.submit(make_job("a"))
    await first.lease("w")
    with pytest.raises(JobError, match="already open"):
        await EmbeddedBackend(db_path).open()
    assert (await first.get("a")).status is JobStatus.RUNNING  # not wrongly interrupted
    await first.finish("a", JobStatus.SUCCESS, outputs={}, meta={}, messages=[])
    await first.close()
    second = EmbeddedBackend(db_path)
    assert await second.open() == []
    await second.close()


async def test_memory_store_works_and_writes_no_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = EmbeddedBackend(":memory:")
    assert await store.open() == []
    await store.submit(make_job("a"))
    assert (await store.lease("w")).id == "a"
    await store.finish("a", JobStatus.SUCCESS, outputs={"1": {"text": ["hi"]}}, meta={},
                       messages=[])
    assert (await store.get("a")).outputs == {"1": {"text": ["hi"]}}
    await store.close()
    assert list(tmp_path.iterdir()) == []


async def test_a_closed_store_refuses_calls(db_path: Path) -> None:
    store = EmbeddedBackend(db_path)
    await store.open()
    await store.close()
    await store.close()
    with pytest.raises(JobError):
        await store.get("a")


async def test_leases_run_no_statement_on_an_empty_queue_and_read_large_prompts_off_the_loop(
        db_path: Path) -> None:
    """Idle workers poll the queue after every job: with nothing queued that costs no
    statement at all; a small prompt is leased on the loop (no thread hop), while a
    queued large prompt is read and decoded in the store's thread, never on the loop."""
    store = EmbeddedBackend(db_path)
    await store.open()
    seen: list[tuple[str, str]] = []
    store._conn.set_trace_callback(lambda sql: seen.append((threading.current_thread().name, sql)))
    assert await store.lease("w") is None
    assert seen == []
    await store.submit(make_job("small"))
    seen.clear()
    assert (await store.lease("w")).id == "small"
    assert seen and {name for name, _ in seen} == {threading.current_thread().name}
    large = JobRecord(id="large", number=0, prompt={
        str(i): {"class_type": "PrimitiveInt", "inputs": {"value": i}} for i in range(2000)})
    await store.submit(large)
    await store.submit(make_job("after", number=1))
    seen.clear()
    leased = await store.lease("w")
    assert leased.id == "large" and leased.prompt == large.prompt
    assert {name for name, sql in seen if "SELECT" in sql} and \
        all(name.startswith("keroro-jobstore") for name, _ in seen)
    seen.clear()
    assert (await store.lease("w")).id == "after"
    assert {name for name, _ in seen} == {threading.current_thread().name}
    assert await store.lease("w") is None
    await store.close()


async def test_a_burst_of_submits_shares_one_commit_and_each_keeps_its_own_outcome(db_path: Path) -> None:
    """Group commit: submits made in the same turn of the loop after its first go in one transaction; a
    duplicate id or a value JSON cannot hold is refused for that job alone, and every
    submit that returned is committed (another connection sees it at once)."""
    store = EmbeddedBackend(db_path)
    await store.open()
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    jobs = [make_job(f"j{i}") for i in range(20)]
    bad = JobRecord.model_construct(**{**make_job("bad").__dict__, "extra_data": {"x": object()}})
    outcomes = await asyncio.gather(*(store.submit(j) for j in [*jobs[:10], make_job("j3"), bad, *jobs[10:]]),
                                    return_exceptions=True)
    assert [type(o).__name__ for o in outcomes] == ["NoneType"] * 10 + ["JobError", "TypeError"] + ["NoneType"] * 10
    assert "j3" in str(outcomes[10])
    assert statements.count("BEGIN IMMEDIATE") == 1 and statements.count("COMMIT") == 1
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT COUNT(*) FROM jobs WHERE status = 'queued'").fetchone()[0] == 20
    other.close()
    assert await store.count([JobStatus.QUEUED]) == 20
    assert [(await store.lease("w")).id for _ in range(20)] == [j.id for j in jobs]
    await store.close()
