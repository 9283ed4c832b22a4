"""Reads for peer review, one module per use case (mirroring reviews/services/), each with the joins its page needs,
so no page's query count grows with data."""
