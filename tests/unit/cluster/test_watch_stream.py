"""Splitting a watch's newline-delimited JSON bytes into lines, however the server chunks them."""

from __future__ import annotations

import random

import orjson

from kubemedic.cluster.watch_stream import Lines


def split(chunks: list[bytes]) -> list[bytes]:
    lines = Lines()
    out = [line for chunk in chunks for line in lines.feed(chunk)]
    return out + lines.end()


def test_one_object_per_chunk_many_per_chunk_and_blank_lines() -> None:
    assert split([b'{"a":1}\n', b'{"b":2}\n{"c":3}\n']) == [b'{"a":1}', b'{"b":2}', b'{"c":3}']
    assert split([b"\n", b'  \n{"a":1}\n\n', b"\r\n"]) == [b'{"a":1}'], "blank lines are skipped"


def test_an_object_split_over_chunks_and_a_last_line_without_newline() -> None:
    assert split([b'{"a"', b"", b':"x', b'y"}\n{"b"', b":2}"]) == [b'{"a":"xy"}', b'{"b":2}']
    lines = Lines()
    assert lines.feed(b'{"a":1}') == [] and lines.end() == [b'{"a":1}'] and lines.end() == []


def test_any_chunking_gives_the_same_events_as_whole_lines() -> None:
    events = [
        {"type": "MODIFIED", "object": {"metadata": {"name": f"p-{i}"}, "note": "é\u2028 ☃" * i}}
        for i in range(40)
    ]
    stream = b"".join(orjson.dumps(e) + (b"\r\n" if i % 3 else b"\n") for i, e in enumerate(events))
    rng = random.Random(7)
    for _ in range(30):
        cuts = sorted(rng.sample(range(1, len(stream)), rng.randrange(1, 60)))
        chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
        assert [orjson.loads(line) for line in split(chunks)] == events
