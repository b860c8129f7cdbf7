"""Sweeps: how robust the plan is to every uncertain assumption.

A sweep spec (:mod:`~backstop.sweep.spec`) names uncertain parameters, a design
(:mod:`~backstop.sweep.design`) and the outputs to keep (:mod:`~backstop.sweep.outputs`).  Each
variant is the scenario with the parameters applied (:mod:`~backstop.sweep.apply`), run through
the analysis registry :data:`backstop.pipeline.ANALYSES` on an executor
(:mod:`~backstop.sweep.executor`: a local process pool or Ray); rows go to a Parquet dataset as
they finish (:mod:`~backstop.sweep.store`); :mod:`~backstop.sweep.analysis` computes tornado
charts, Sobol indices, distributions and scenario discovery, and :mod:`~backstop.sweep.report`
writes ``sweep.html``.

This layer sits above the core: it imports the scenario, the pipeline and the report's chart
helpers; nothing in the core imports it.
"""
