"""Cryptodesk: a multilingual customer-support assistant for cryptocurrency exchanges."""

__version__ = "0.1.0"
