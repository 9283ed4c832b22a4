"""Peer review: reviewer assignment, conflicts, scores, consensus, visit and review report (to come)."""
