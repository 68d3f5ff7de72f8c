"""Revisions from observations: collapsing, reverts, late captures."""
from __future__ import annotations

from tracker.revisions import Observation, build_revisions, iso


def obs(capture_id: int, day: int, version: int) -> Observation:
    return Observation(capture_id, f"201901{day:02d}000000", version)


def summary(observations: list[Observation]) -> list[tuple[int, int, str, str, int]]:
    return [(r.seq, r.version_id, r.first_seen[:10], r.last_seen[:10], r.captures)
            for r in build_revisions(observations)]


def test_equal_consecutive_texts_collapse() -> None:
    assert summary([obs(1, 1, 7), obs(2, 2, 7), obs(3, 3, 8)]) == [
        (1, 7, "2019-01-01", "2019-01-02", 2), (2, 8, "2019-01-03", "2019-01-03", 1)]


def test_a_revert_is_a_revision() -> None:
    assert [v for _, v, *_ in summary([obs(1, 1, 1), obs(2, 2, 2), obs(3, 3, 1)])] == [1, 2, 1]


def test_a_late_capture_lands_in_time_order() -> None:
    late = obs(9, 2, 1)  # fetched last, captured between the others
    assert summary([obs(1, 1, 1), obs(2, 3, 2), late]) == [
        (1, 1, "2019-01-01", "2019-01-02", 2), (2, 2, "2019-01-03", "2019-01-03", 1)]
    out_of_order = obs(9, 2, 2)
    assert [v for _, v, *_ in summary([obs(1, 1, 1), obs(2, 3, 1), out_of_order])] == [1, 2, 1]


def test_first_and_last_capture_ids_and_times() -> None:
    revision, = build_revisions([obs(5, 4, 1), obs(3, 2, 1)])
    assert (revision.first_capture_id, revision.last_capture_id) == (3, 5)
    assert iso("20190302101500") == "2019-03-02T10:15:00Z"


def test_nothing_observed() -> None:
    assert build_revisions([]) == []
