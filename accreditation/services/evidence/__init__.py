"""The evidence library. `checks` decides what may be stored; `library` stores it, versions it and links it;
`storage` finds files in storage that no row knows about, and rows whose file is missing or changed."""

from .checks import ALLOWED_SUMMARY, ALLOWED_TYPES, CheckedFile, describe_type, evidence_check_file
from .library import (
    STORAGE_FAILED,
    EvidenceTampered,
    download_name,
    evidence_create,
    evidence_delete,
    evidence_frozen_links,
    evidence_link,
    evidence_new_version,
    evidence_open_verified,
    evidence_set_links,
    evidence_unlink,
    service_storage_used,
)

__all__ = [
    "ALLOWED_SUMMARY",
    "ALLOWED_TYPES",
    "STORAGE_FAILED",
    "CheckedFile",
    "EvidenceTampered",
    "describe_type",
    "download_name",
    "evidence_check_file",
    "evidence_create",
    "evidence_delete",
    "evidence_frozen_links",
    "evidence_link",
    "evidence_new_version",
    "evidence_open_verified",
    "evidence_set_links",
    "evidence_unlink",
    "service_storage_used",
]
