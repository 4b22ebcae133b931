"""`make audit`: pip-audit of the virtualenv against PyPI's vulnerability data.

Fails (exit 1) only on real findings: a known vulnerability in an installed package.
When the service cannot be reached, or answers for none of the packages, it says so
clearly and passes: an audit that could not run is reported, not counted as a failure.
pip-audit's own ``--vulnerability-service pypi`` uses PyPI's JSON API, which CI reaches.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

PROBE_URL = "https://pypi.org/pypi/pip/json"
TIMEOUT_SECONDS = 600


def reachable(url: str = PROBE_URL, timeout: float = 15) -> str | None:
    """None if PyPI's JSON API answers, else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 — fixed https URL
            response.read(1)
    except (urllib.error.URLError, OSError) as error:
        return str(getattr(error, "reason", error))
    return None


def summarise(report: dict) -> tuple[int, list[str]]:
    """(exit status, lines to print) for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    findings = [
        (dep["name"], dep.get("version", "?"), vuln)
        for dep in dependencies
        for vuln in dep.get("vulns", [])
    ]
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    if findings:
        lines = [f"Dependency audit FAILED: {len(findings)} known vulnerabilities:"]
        for name, version, vuln in findings:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            lines.append(f"  {name} {version}: {vuln.get('id', '?')} (fixed in {fixed})")
        return 1, lines
    if dependencies and audited == 0:
        return 0, [
            f"Dependency audit SKIPPED: the PyPI vulnerability service answered for none of "
            f"the {len(dependencies)} packages (e.g. {skipped[0]['skip_reason']})."
        ]
    lines = [f"Dependency audit passed: no known vulnerabilities in {audited} packages."]
    if skipped:
        names = ", ".join(dep["name"] for dep in skipped[:10])
        lines.append(f"  {len(skipped)} packages could not be audited: {names}")
    return 0, lines


def main() -> int:
    why = reachable()
    if why is not None:
        print(f"Dependency audit SKIPPED: the PyPI vulnerability service is unreachable ({why}).")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--vulnerability-service",
            "pypi",
            "--skip-editable",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(output),
        ]
        try:
            completed = subprocess.run(  # noqa: S603 — fixed arguments
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            print(f"Dependency audit SKIPPED: pip-audit took longer than {TIMEOUT_SECONDS} s.")
            return 0
        try:
            report = json.loads(output.read_text())
        except (OSError, json.JSONDecodeError):
            detail = (completed.stderr or completed.stdout).strip().splitlines()
            print(
                "Dependency audit SKIPPED: pip-audit could not complete "
                f"(exit status {completed.returncode}): {detail[-1] if detail else 'no output'}"
            )
            return 0
    status, lines = summarise(report)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
