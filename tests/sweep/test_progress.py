"""The sweep's progress bar gives an ETA even when each variant takes longer than rich's default
30 s speed window (large scenarios, loaded machines)."""

from __future__ import annotations

from rich.progress import Progress

from backstop.cli.sweep import progress_bar


def _eta_after_slow_variants(bar: Progress, clock: list[float]) -> float | None:
    task = bar.add_task("variants", total=10, failed=0)
    for _ in range(3):
        clock[0] += 120.0  # two minutes a variant
        bar.update(task, advance=1)
    return bar.tasks[0].time_remaining


def test_eta_from_the_average_pace():
    clock = [0.0]
    eta = _eta_after_slow_variants(progress_bar(get_time=lambda: clock[0]), clock)
    assert eta is not None and abs(eta - 7 * 120.0) < 1e-6  # 7 left at 120 s each
    # the point of the setting: rich's default window has no estimate at this pace
    clock = [0.0]
    assert _eta_after_slow_variants(Progress(get_time=lambda: clock[0]), clock) is None
