"""Versioned JSON artefacts: atomic writes, header checks, digests."""
