"""Delivery: render, apply, status and the worker that syncs HEAD to clusters."""
