"""Report sections, one module per result name, each with ``render(result, scenario) -> str``."""
