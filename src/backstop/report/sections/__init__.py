"""Report sections, one module per result name, each with ``render(result, scenario) -> Markup``
rendering ``templates/sections/<name>.html.j2`` (autoescaped; chart SVG passed as trusted markup)."""
