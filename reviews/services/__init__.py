"""Every write in a peer review, one module per use case. Every change of state goes through
`workflow.engine.transition`; the moves are in reviews/workflows.py."""
