"""Every non-trivial read in the accreditation app, one module per use case, mirroring accreditation/services."""
