"""The executor interface on its own: outcomes as tasks finish, errors per task, worker initialisers once per worker."""

from __future__ import annotations

import os

import pytest

from backstop.sweep.executor import ProcessExecutor, SerialExecutor, make_executor, worker_state


def _init(tag: str) -> None:
    st = worker_state()
    st["tag"] = tag
    st["inits"] = st.get("inits", 0) + 1


def _task(x: int) -> tuple[int, str, int, int]:
    if x == 3:
        raise ValueError("three is not allowed")
    st = worker_state()
    return x * x, st["tag"], st["inits"], os.getpid()


@pytest.mark.parametrize("make", [lambda: SerialExecutor(_init, ("t",)), lambda: ProcessExecutor(2, _init, ("t",))], ids=["serial", "pool"])
def test_outcomes_errors_and_initialiser(make):
    with make() as ex:
        got = {o.key: o for o in ex.map_unordered(_task, ((str(i), i) for i in range(8)))}
    assert sorted(got, key=int) == [str(i) for i in range(8)]
    assert not got["3"].ok and got["3"].error == "ValueError: three is not allowed" and "_task" in got["3"].traceback
    oks = [o.value for k, o in got.items() if k != "3"]
    assert sorted(v[0] for v in oks) == [0, 1, 4, 16, 25, 36, 49]
    assert all(v[1] == "t" and v[2] == 1 for v in oks)  # the initialiser ran once in each worker
    assert len({v[3] for v in oks}) <= ex.workers


def test_make_executor_choice():
    assert isinstance(make_executor(1), SerialExecutor)
    with make_executor(2) as ex:
        assert isinstance(ex, ProcessExecutor) and ex.describe() == "process pool (2 workers)"


def test_missing_ray_extra_names_the_extra(monkeypatch):
    import sys

    from backstop.errors import MissingExtraError
    from backstop.sweep.executor import import_ray

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with pytest.raises(MissingExtraError, match=r"backstop\[scale\]"):
        import_ray()
