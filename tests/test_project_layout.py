"""The project's shape that people and CI rely on: layout, pinned dependencies, the two
commands, the README's sections and screenshot, and what CI runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from inspect_app.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")


def make_target(name: str) -> tuple[str, list[str]]:
    """A Makefile target's prerequisites and recipe lines."""
    match = re.search(rf"^{re.escape(name)}:([^\n=]*)\n((?:\t[^\n]*\n)*)", MAKEFILE, re.MULTILINE)
    assert match, f"no `{name}` target in the Makefile"
    return match.group(1), [line.strip() for line in match.group(2).splitlines()]


@pytest.mark.parametrize(
    "path",
    [
        "pyproject.toml",
        "inspect_app/__init__.py",
        "templates/base.html",
        "evidence/README.md",
        "rubrics/README.md",
        "rubrics/jar-2005.yaml",
        "rubrics/jar-2007.yaml",
        "tests/conftest.py",
        "wsgi.py",
        "Makefile",
        "README.md",
        ".ci/run",
        "package.json",
        "migrations/env.py",
    ],
)
def test_the_top_level_layout(path):
    assert (PROJECT_ROOT / path).is_file(), path


def test_wsgi_builds_the_app_with_the_factory():
    assert "app = create_app()" in (PROJECT_ROOT / "wsgi.py").read_text(encoding="utf-8")


def test_wsgi_takes_the_start_up_objects_out_of_the_garbage_collectors_view(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECT_")}
    env["INSPECT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'jar.sqlite'}"
    env["INSPECT_EVIDENCE_DIR"] = str(tmp_path / "evidence")
    completed = subprocess.run(
        [sys.executable, "-c", "import gc, wsgi; print(gc.get_freeze_count())"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert int(completed.stdout.split()[-1]) > 10_000


def test_the_evidence_store_is_ignored_by_git_apart_from_its_readme():
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")

    def ignored(path: str) -> bool:
        result = subprocess.run(  # noqa: S603
            ["git", "check-ignore", "--no-index", "-q", path],  # noqa: S607
            cwd=PROJECT_ROOT,
            check=False,
        )
        return result.returncode == 0

    assert ignored("evidence/sha256/ab/cd/abcd")
    assert ignored("evidence/tmp/upload-1.part")
    assert not ignored("evidence/README.md")


def test_every_dependency_is_pinned_to_a_compatible_range():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    requirements = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    unbounded = [r for r in requirements if not re.search(r"(<|==|~=)", r)]
    assert not unbounded, f"no upper bound: {unbounded}"


def test_the_makefile_has_the_documented_targets():
    for target in ("install", "run", "test", "bench", "lint"):
        make_target(target)
    _, lint = make_target("lint")
    assert any("ruff check" in line for line in lint)


def test_make_run_installs_migrates_loads_the_demo_prints_sign_ins_and_serves():
    prerequisites, recipe = make_target("run")
    assert "install" in prerequisites.split()
    steps = [
        next(i for i, line in enumerate(recipe) if marker in line)
        for marker in ("db upgrade", "demo load", "run --host")
    ]
    assert steps == sorted(steps), recipe  # migrate, then the demo (which prints the sign-ins)
    assert re.search(r"^PORT \?= 5000$", MAKEFILE, re.MULTILINE)
    assert re.search(r"^HOST \?= 127\.0\.0\.1$", MAKEFILE, re.MULTILINE)
    install_prerequisites, _ = make_target("install")
    assert "$(ASSETS)" in install_prerequisites  # GOV.UK Frontend built from npm


def make_variable(name: str) -> str:
    match = re.search(rf"^{re.escape(name)} [:?]?= (.*)$", MAKEFILE, re.MULTILINE)
    assert match, f"no `{name}` variable in the Makefile"
    return match.group(1)


def test_make_test_installs_chromium_and_runs_every_test_on_every_core():
    prerequisites, recipe = make_target("test")
    assert {"install", "browser-deps"} <= set(prerequisites.split())
    pytest_command = make_variable("PYTEST")
    runs = [line.replace("$(PYTEST)", pytest_command) for line in recipe if "PYTEST" in line]
    assert runs, recipe
    assert not any(re.search(r"\s(-m|-k|--ignore)\b", line) for line in runs), runs  # all tests
    # pytest-xdist: one worker per core, each test file's tests on one worker.
    assert "-n $(TEST_WORKERS) --dist loadfile" in pytest_command
    assert make_variable("TEST_WORKERS") == "auto"


def test_ci_runs_make_test_then_the_suite_on_postgresql():
    script = PROJECT_ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    text = script.read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
    assert text.index("make test\n") < text.index("make test-postgres")
    assert "INSPECT_TEST_DATABASE_URL" in text and "apt-get install" in text


def test_the_readme_has_the_two_commands_a_screenshot_and_its_sections():
    assert "make run" in README and "make test" in README
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", README)
    assert images, "the README shows a screenshot"
    for image in images:
        path = PROJECT_ROOT / image
        assert path.is_file() and path.read_bytes().startswith(b"\x89PNG"), image
    for heading in ("## Configuration", "## Deployment", "## Architecture"):
        assert heading in README
    assert "demo-only" in README  # the demo passwords are documented as demo-only
    assert "gunicorn" in README and "PostgreSQL" in README
