"""One class per namespace of the client (``shop.auth``, ``shop.products``, ...)."""
