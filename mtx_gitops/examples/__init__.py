"""Bundled example manifests (the FINOS TraderX services)."""
