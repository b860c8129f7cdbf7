"""Run the benchmarks and print a table: ``python -m bench [topic ...] [--list]``.

Topics are the ``bench/bench_<topic>.py`` modules.  Figures are recorded by hand in
``docs/benchmarks.md`` with the command and the machine.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench.common import timed  # noqa: E402


def topics() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("topics", nargs="*", help=f"topics to run (default all): {', '.join(topics())}")
    ap.add_argument("-k", default="", help="run only cases whose name contains this text")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    args = ap.parse_args(argv)
    chosen = args.topics or topics()
    unknown = [t for t in chosen if t not in topics()]
    if unknown:
        ap.error(f"unknown topic(s) {unknown}; known: {topics()}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    header = f"{'case':<48} {'time_s':>9} {'goal_s':>7} {'ok':>3} {'ref':<22} {'ref_s':>9} {'ratio':>7}  figures"
    print(header)
    print("-" * len(header))
    failed = 0
    for topic in chosen:
        mod = importlib.import_module(f"bench.bench_{topic}")
        for case in mod.CASES:
            if args.k and args.k not in case.name:
                continue
            if args.list:
                print(case.name)
                continue
            inputs = case.build()
            if case.warmup:
                case.run(inputs)
            t, figures = timed(lambda c=case, x=inputs: c.run(x), case.repeat)
            ref_t, ratio = None, None
            if case.reference is not None:
                if case.warmup:
                    case.reference(inputs)
                ref_t, ref_fig = timed(lambda c=case, x=inputs: c.reference(x), case.repeat)
                ratio = t / ref_t if ref_t > 0 else float("inf")
                figures = {**figures, **{f"ref_{k}": v for k, v in (ref_fig or {}).items()}}
            ok = "" if case.goal_s is None else ("yes" if t <= case.goal_s else "NO")
            failed += ok == "NO"
            figs = ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in (figures or {}).items())
            print(
                f"{case.name:<48} {t:>9.3f} {'' if case.goal_s is None else f'{case.goal_s:g}':>7} {ok:>3} "
                f"{case.reference_name:<22} {'' if ref_t is None else f'{ref_t:.3f}':>9} {'' if ratio is None else f'{ratio:.2f}':>7}  {figs}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
