"""Releasing a build (publish.py is the command): the gate that runs the whole suite on it (gate.py), the
standalone bundle (bundle.py), its change log against the previous release (changelog.py), SHA256SUMS
(integrity.py), deploying it (deploy.py); release.py runs these steps in order. refusal.py: why a step stopped."""
