"""CsvRows: the rows of a CSV (a file under input/ or pasted text, first row the
header) as items of a batch; up to four named columns come out as lists, plus each
row as JSON, so the graph runs once per row with that row's values."""
from __future__ import annotations

import csv
import io
import json
from typing import Annotated

from keroro_graph.api import NodeContext, Output, Text, node
from nodes.batch._items import check_count, folder_files

_COLUMNS = 4
_MAX_FILE_BYTES = 32 * 1024 * 1024


def _rows(ctx: NodeContext, file: str, text: str) -> list[dict[str, str]]:
    if file.strip():
        matches = folder_files(ctx.paths.input, "", file.strip())
        if len(matches) != 1:
            raise ValueError(f"file {file!r} is not one file in the input folder")
        if matches[0].stat().st_size > _MAX_FILE_BYTES:
            raise ValueError(f"file {file!r} is larger than {_MAX_FILE_BYTES // 2**20} MiB")
        text = matches[0].read_text(encoding="utf-8-sig")
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise ValueError(f"the CSV cannot be read: {exc}") from exc
    check_count(len(rows), f"the CSV {file or '(text)'}")
    return rows


def _names(columns: str) -> list[str]:
    names = [c.strip() for c in columns.split(",") if c.strip()]
    if len(names) > _COLUMNS:
        raise ValueError(f"at most {_COLUMNS} columns, got {len(names)}: {names}")
    return names


def _validate(ctx: NodeContext, file: str, text: str, columns: str) -> bool | str:
    try:
        rows, names = _rows(ctx, file, text), _names(columns)
    except (OSError, ValueError) as exc:
        return str(exc)
    missing = [n for n in names if n not in rows[0]]
    return f"columns {missing} are not in the CSV header {list(rows[0])}" if missing else True


@node("CsvRows", category="batch", validate=_validate, items=lambda ctx, file, text: len(_rows(ctx, file, text)))
def csv_rows(
    ctx: NodeContext,
    file: Annotated[str, Text(default="", tooltip="A .csv file in the input folder (or leave empty and paste).")],
    text: Annotated[str, Text(multiline=True, default="", tooltip="CSV text, used when no file is given.")],
    columns: Annotated[str, Text(default="", tooltip="Up to four header names, comma-separated: column_1..4.")],
) -> tuple[Annotated[str, Output(name="column_1", is_list=True)], Annotated[str, Output(name="column_2", is_list=True)],
           Annotated[str, Output(name="column_3", is_list=True)], Annotated[str, Output(name="column_4", is_list=True)],
           Annotated[str, Output(name="row", is_list=True)]]:
    """One item per CSV row: the chosen columns' values and the row as JSON."""
    rows, names = _rows(ctx, file, text), _names(columns)
    names += [""] * (_COLUMNS - len(names))
    outputs = tuple([row.get(name, "") if name else "" for row in rows] for name in names)
    return (*outputs, [json.dumps(row, ensure_ascii=False) for row in rows])  # type: ignore[return-value]
