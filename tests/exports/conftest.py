"""The exports tests import their helpers from this folder."""
