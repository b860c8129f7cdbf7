"""backstop: plan, stress-test and monitor a multinational security guarantee for Ukraine.

The core (``scenario``, ``reference`` and the analysis packages) never imports the
``report``, ``cli``, web or sweep layers; see ``docs/ARCHITECTURE.md``.
"""

__version__ = "0.1.0"
