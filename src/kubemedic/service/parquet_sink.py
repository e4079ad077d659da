"""Rows to a Parquet file through pyarrow (an optional install), one row group per `batch` rows.

The schema is fixed up front by the caller, column by column, so a column empty in the first batch
cannot change type later. Used by the dataset export and the dataset synth.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

ROW_GROUP = 1000

# A column's arrow type, given the pyarrow module (imported only when Parquet is written) and the column.
ArrowType = Callable[[Any, str], Any]


class ParquetSink:
    def __init__(
        self, path: Path, columns: Sequence[str], arrow_type: ArrowType, batch: int = ROW_GROUP
    ) -> None:
        pa: Any = importlib.import_module("pyarrow")
        self._pa = pa
        self._columns = tuple(columns)
        self._schema: Any = pa.schema([(c, arrow_type(pa, c)) for c in self._columns])
        self._writer: Any = importlib.import_module("pyarrow.parquet").ParquetWriter(str(path), self._schema)
        self._batch_size = batch
        self._batch: list[Sequence[object]] = []

    def write(self, cells: Sequence[object]) -> None:
        self._batch.append(cells)
        if len(self._batch) >= self._batch_size:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            data = {c: [row[i] for row in self._batch] for i, c in enumerate(self._columns)}
            self._writer.write_table(self._pa.table(data, schema=self._schema))
            self._batch = []

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self._flush()
        finally:
            self._writer.close()
