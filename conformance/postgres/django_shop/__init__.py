"""A small Django app the conformance suite migrates and uses on both targets (test_django.py)."""
