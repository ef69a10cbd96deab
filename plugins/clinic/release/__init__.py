"""Release: the production guard, the deploy of a whole checked release, and the local static server."""
