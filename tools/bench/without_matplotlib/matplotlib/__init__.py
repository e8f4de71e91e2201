"""Put first on PYTHONPATH for the timed builds only (tools/bench/__main__.py).

The bench environment has matplotlib to draw its plot, and sphinxext-opengraph imports it when it
can (for social cards, which the edition disables); the edition's own sessions have no
matplotlib.  So that the bench times the builds a reader of the README runs, they see none.
"""

raise ImportError("matplotlib is hidden from the benchmark's timed builds")
