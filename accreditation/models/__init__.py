from .assessments import NARRATIVE_MAX_LENGTH, Assessment, Response, Submission
from .audit import AuditEvent, AuditEventQuerySet
from .awards import Appeal, Award, AwardReport, Condition, Decision, Outcome, PanelMember
from .evidence import Evidence, EvidenceLink, evidence_storage, evidence_upload_to
from .people import Organisation, Service, ServiceMembership, User, UserManager, add_months

__all__ = [
    "NARRATIVE_MAX_LENGTH",
    "Appeal",
    "Assessment",
    "AuditEvent",
    "AuditEventQuerySet",
    "Award",
    "AwardReport",
    "Condition",
    "Decision",
    "Evidence",
    "EvidenceLink",
    "Organisation",
    "Outcome",
    "PanelMember",
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
