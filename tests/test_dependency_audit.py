"""`make audit` fails only on real findings and says plainly when it could not audit."""

from __future__ import annotations

import importlib.util

from inspect_app.config import PROJECT_ROOT

_spec = importlib.util.spec_from_file_location(
    "dependency_audit", PROJECT_ROOT / ".ci" / "dependency_audit.py"
)
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def dep(name, vulns=(), skip=None):
    entry = {"name": name, "version": "1.0"}
    if skip:
        entry["skip_reason"] = skip
    else:
        entry["vulns"] = list(vulns)
    return entry


def test_a_known_vulnerability_fails_the_audit():
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["1.0.1"]}
    status, lines = audit.summarise({"dependencies": [dep("flask"), dep("oldlib", [vuln])]})
    assert status == 1
    assert "FAILED: 1 known vulnerabilities" in lines[0]
    assert "oldlib 1.0: PYSEC-2099-1 (fixed in 1.0.1)" in lines[1]


def test_a_clean_audit_passes_and_names_what_it_could_not_audit():
    status, lines = audit.summarise(
        {"dependencies": [dep("flask"), dep("local", skip="not on PyPI")]}
    )
    assert status == 0
    assert lines[0] == "Dependency audit passed: no known vulnerabilities in 1 packages."
    assert "1 packages could not be audited: local" in lines[1]


def test_an_audit_that_reached_nothing_is_a_clear_skip_not_a_pass():
    skipped = [dep(n, skip=f"Dependency not found on PyPI: {n}") for n in ("a", "b")]
    status, lines = audit.summarise({"dependencies": skipped})
    assert status == 0 and lines[0].startswith("Dependency audit SKIPPED")


def test_an_unreachable_service_is_reported(monkeypatch, capsys):
    monkeypatch.setattr(audit, "reachable", lambda: "Name or service not known")
    assert audit.main() == 0
    assert "SKIPPED: the PyPI vulnerability service is unreachable" in capsys.readouterr().out
