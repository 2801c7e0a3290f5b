"""Numbers kept on disk between server starts (gan_core.runs.result_cache): read back only under the same key, the key
changes with the contents of the files they depend on, and a damaged cache file is computed again."""

from __future__ import annotations

from pathlib import Path

from gan_core.runs.result_cache import CACHE_FOLDER, cached_json, file_digest


def test_a_result_is_read_back_under_the_same_key_and_computed_again_when_a_file_it_depends_on_changes(tmp_path: Path) -> None:
    weights = tmp_path / "checkpoint.pt"
    weights.write_bytes(b"first weights")
    calls = []

    def measure() -> dict:
        calls.append(1)
        return {"fid": 12.5 + len(calls)}

    key = lambda: {"seed": 0, "checkpoint": file_digest(weights)}  # noqa: E731
    assert cached_json(tmp_path, "compare", key(), measure) == {"fid": 13.5}
    assert cached_json(tmp_path, "compare", key(), measure) == {"fid": 13.5} and len(calls) == 1  # a restart reads it
    assert cached_json(tmp_path, "compare", {**key(), "seed": 1}, measure) == {"fid": 14.5}  # another key: measured
    weights.write_bytes(b"other weights, retrained")
    assert cached_json(tmp_path, "compare", key(), measure) == {"fid": 15.5}  # new contents: never the stale number
    for saved in (tmp_path / CACHE_FOLDER / "compare").glob("*.json"):
        saved.write_text("{not json")
    assert cached_json(tmp_path, "compare", key(), measure) == {"fid": 16.5}  # damaged: measured again
    assert file_digest(tmp_path / "missing.pt") == ""
