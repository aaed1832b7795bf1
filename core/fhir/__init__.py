"""FHIR R4, read-only: Organization, Patient and Coverage (with the remote filing as an
extension), searches by identifier and Bulk Data NDJSON export. docs/fhir.md describes them."""
