"""The flask command groups, run as a user would run them."""

from __future__ import annotations

from pathlib import Path

from inspect_app.config import PROJECT_ROOT
from inspect_app.models import Review, Rubric, User


def test_rubrics_validate_the_shipped_library(runner):
    result = runner.invoke(args=["rubrics", "validate"])
    assert result.exit_code == 0, result.output
    assert "ok  jar-2005 version 1.0 (7 areas" in result.output
    assert "ok  jar-2007 version 1.0 (5 areas" in result.output


def test_rubrics_validate_fails_on_a_bad_file(runner, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: Not A Slug\nversion: '1'\n", encoding="utf-8")
    result = runner.invoke(args=["rubrics", "validate", str(bad)])
    assert result.exit_code == 1
    assert "bad.yaml" in result.output and "key" in result.output


def test_rubrics_load_is_idempotent_and_list_shows_revisions(runner, session):
    first = runner.invoke(args=["rubrics", "load"])
    assert first.exit_code == 0, first.output
    assert "Loaded jar-2005 version 1.0 as revision 1" in first.output
    again = runner.invoke(args=["rubrics", "load"])
    assert "Unchanged jar-2005 version 1.0 (revision 1)" in again.output
    assert session.query(Rubric).count() == 2
    listing = runner.invoke(args=["rubrics", "list"])
    assert "jar-2005\tversion 1.0\trevision 1" in listing.output


def test_rubrics_load_loads_nothing_when_a_file_is_bad(runner, session, tmp_path: Path):
    good = (PROJECT_ROOT / "rubrics" / "jar-2005.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "b.yaml").write_text("key: [unclosed\n", encoding="utf-8")
    result = runner.invoke(args=["rubrics", "load", str(tmp_path)])
    assert result.exit_code == 1
    assert "Nothing was loaded." in result.output
    assert session.query(Rubric).count() == 0


def test_users_create_the_first_administrator(runner, session):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "First.Admin@Test.example",
            "--name",
            "First Admin",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = session.query(User).one()
    assert user.email == "first.admin@test.example"
    assert user.is_administrator
    assert user.password_hash.startswith("$argon2id$")


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "a@test.example", "--name", "A", "--password", "short"]
    )
    assert result.exit_code == 2
    assert "at least 12 characters" in result.output


def test_demo_load_then_reviews_list(runner, session):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "demo-only-password" in result.output
    assert "helen.marsh@ofsted.example" in result.output
    inspectors = session.query(User).filter(User.kind == "inspector").all()
    assert len(inspectors) >= 8
    assert len({u.inspectorate for u in inspectors}) >= 5
    assert session.query(User).filter(User.kind == "authority").count() >= 1
    assert session.query(User).filter(User.kind == "administrator").count() == 1
    northmere = (
        session.query(Review).filter(Review.reference.isnot(None)).order_by(Review.id).first()
    )
    assert northmere.authority.name == "Northmere Borough Council"
    assert northmere.phase == "fieldwork"
    assert northmere.rubric.key == "jar-2005"
    assert any(m.role == "report_author" for m in northmere.team)

    listing = runner.invoke(args=["reviews", "list"])
    assert f"{northmere.id}\t{northmere.reference}\tNorthmere Borough Council\tFieldwork" in (
        listing.output
    )
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "already loaded" in again.output
