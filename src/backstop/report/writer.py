"""Write ``report.html``, ``results.json`` and CSVs atomically: all or nothing in OUT."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from backstop.report.frame import render_report
from backstop.results import Result, jsonable
from backstop.scenario import Scenario


def write_outputs(out_dir: str | Path, scenario: Scenario, results: list[Result], extra_sections: list[dict] | None = None) -> Path:
    """Render and write every output into ``out_dir``.

    Everything is first written to a temporary folder beside ``out_dir`` and moved into place
    only when complete, so a failed run leaves ``out_dir`` as it was.  Existing files of the
    same names are replaced; other files in ``out_dir`` are kept.
    """
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} exists and is not a folder")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        html = render_report(scenario, results, extra_sections)
        (tmp / "report.html").write_text(html, encoding="utf-8")
        payload = {
            "scenario": scenario.name,
            "as_of": scenario.as_of,
            "results": {r.name: r.to_json() for r in results},
        }
        (tmp / "results.json").write_text(json.dumps(jsonable(payload), indent=2, ensure_ascii=False), encoding="utf-8")
        for r in results:
            for key, df in r.frames.items():
                df.to_csv(tmp / f"{r.name}_{key}.csv", index=False)
        if not out.exists():
            import os

            umask = os.umask(0)
            os.umask(umask)
            tmp.chmod(0o777 & ~umask)
            tmp.rename(out)
        else:
            for f in tmp.iterdir():
                f.replace(out / f.name)
            tmp.rmdir()
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out
