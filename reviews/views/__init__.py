"""Peer review pages, one module per use case. Anyone who may not see a review gets a 404, exactly as if it did not
exist."""
