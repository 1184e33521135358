"""Sources: what one fetch of a feed, list page or JSON API lists, as a ``Listing``."""
