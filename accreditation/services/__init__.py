"""Every write in the accreditation app: people, portfolios, evidence, and the audit trail they leave."""
