"""The ledger tests import their builders from this folder."""
