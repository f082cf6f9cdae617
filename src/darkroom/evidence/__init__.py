"""Evidence: intake of exhibits, one-pass hashing, verification and the audit chain."""
