from .assessments import NARRATIVE_MAX_LENGTH, Assessment, Response, Submission
from .evidence import Evidence, EvidenceLink, evidence_storage, evidence_upload_to
from .people import Organisation, Service, ServiceMembership, User, UserManager, add_months

__all__ = [
    "NARRATIVE_MAX_LENGTH",
    "Assessment",
    "Evidence",
    "EvidenceLink",
    "Organisation",
    "Response",
    "Service",
    "ServiceMembership",
    "Submission",
    "User",
    "UserManager",
    "add_months",
    "evidence_storage",
    "evidence_upload_to",
]
