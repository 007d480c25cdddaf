"""The explorer: a computation graph as a page to hover, click and step through, a training
run as a film, and the graph as JSON.

    page = ts.explore(J, highlight=[w1, w3])      # one self-contained HTML file
    page.save("explore.html")                     # opens from file://, offline
    ts.film(history, net, X[:1], y[:1], highlight=("w1", "w3")).save("film.html")
    ts.to_json(J)                                 # the document the page embeds

Layering: above `viz` and `explainer`, below the stories; it never imports `nn` (the film
reads a History and a model through their public attributes only).
"""

from .document import SCHEMA, graph_document, to_json
from .explore import explore
from .film import film
from .page import Page

__all__ = ["SCHEMA", "Page", "explore", "film", "graph_document", "to_json"]
