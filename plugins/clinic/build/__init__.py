"""The build runner (Pelican into a fresh directory, audit, swap) and the delivery steps after Pelican:
search index, minified and compressed files, response headers."""
