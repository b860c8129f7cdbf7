"""One place to create HiGHS solver objects (``highspy``) for every analysis.

``highspy.Highs()`` prints a banner to the process's standard output (file descriptor 1) the
first time it is constructed, which would corrupt ``--json`` output; :func:`new_highs`
constructs it with descriptor 1 pointed at /dev/null and returns it with logging off.

HiGHS keeps one global thread scheduler per process: once a first solve has started it with
some number of threads, a later ``threads`` option with another value makes ``run()`` fail.
Analyses therefore never set ``threads``; they share the process-wide default.
"""

from __future__ import annotations

import os
import sys


def new_highs():
    """A silent ``highspy.Highs`` instance (``output_flag`` off, banner suppressed)."""
    import highspy

    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):  # no real descriptor 1 (embedded use)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        return h
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        h = highspy.Highs()
        try:
            import ctypes

            ctypes.CDLL(None).fflush(None)
        except (OSError, AttributeError):
            pass
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    h.setOptionValue("output_flag", False)
    return h
