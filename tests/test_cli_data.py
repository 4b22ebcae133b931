"""``flask data import|catalogue|demo``, run as an administrator would run them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from inspect_app.config import PROJECT_ROOT
from inspect_app.models import Indicator, IndicatorImport, IndicatorValue
from inspect_app.services import indicator_data as svc
from tests.indicator_helpers import csv_bytes


def count(session, column) -> int:
    return session.scalar(select(func.count(column)))


def test_import_loads_the_catalogue_if_needed_and_imports_the_file(runner, make, session, tmp_path):
    a, b = make.authority(), make.authority()
    session.commit()
    path = tmp_path / "figures.csv"
    path.write_bytes(
        csv_bytes([(a.code, "LAC-GCSE-5AC", "2006-07", 11.5), (b.code, "CL-EET-19", "2006-07", 70)])
    )
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 rows from figures.csv: 2 new, 0 replaced, 0 unchanged." in result.output
    assert count(session, Indicator.id) == 30
    frame = svc.indicator_values_for(session, [a.code, b.code])
    assert frame[["authority_code", "value"]].values.tolist() == [[a.code, 11.5], [b.code, 70.0]]
    assert session.scalar(select(IndicatorImport.via)) == "cli"


def test_a_failing_import_prints_every_problem_exits_non_zero_and_writes_nothing(
    runner, make, session, tmp_path
):
    a = make.authority()
    session.commit()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([(a.code, "LAC-GCSE-5AC", "2006-07", 11.5)]))
    assert runner.invoke(args=["data", "import", str(good)]).exit_code == 0
    before = (count(session, IndicatorValue.id), count(session, IndicatorImport.id))

    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes(
            [
                (a.code, "LAC-GCSE-5AC", "2006-07", 99),
                ("ZZZ", "LAC-GCSE-5AC", "2006-07", 10),
                (a.code, "LAC-GCSE-5AC", "2005-06", -4),
            ]
        )
    )
    result = runner.invoke(args=["data", "import", str(bad)])
    assert result.exit_code != 0
    assert "bad.csv: Row 3, authority_code:" in result.output and "ZZZ" in result.output
    assert "bad.csv: Row 4, value:" in result.output
    assert "2 problems found; nothing was imported." in result.output
    assert (count(session, IndicatorValue.id), count(session, IndicatorImport.id)) == before
    assert svc.indicator_values_for(session, [a.code])["value"].tolist() == [11.5]


def test_a_file_larger_than_an_upload_is_refused_before_it_is_read(
    runner, app, make, session, tmp_path, monkeypatch
):
    a = make.authority()
    session.commit()
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    path = tmp_path / "national.csv"
    rows = [(a.code, "LAC-GCSE-5AC", "2006-07", 11.5)] * 40_000
    path.write_bytes(csv_bytes(rows))
    assert path.stat().st_size > 1024 * 1024
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code != 0
    assert "national.csv is larger than the 1 MB limit; nothing was imported." in result.output
    assert count(session, IndicatorImport.id) == count(session, IndicatorValue.id) == 0


def test_a_large_import_shows_a_progress_bar(runner, make, session, tmp_path, monkeypatch):
    from inspect_app.cli import data as data_cli

    monkeypatch.setattr(data_cli, "PROGRESS_BAR_BYTES", 10)
    a = make.authority()
    session.commit()
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes([(a.code, "LAC-GCSE-5AC", "2006-07", 11.5)]))
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Checking rows" in result.output


def test_catalogue_loads_the_shipped_file_and_reports_problems_in_a_bad_one(
    runner, session, tmp_path: Path
):
    result = runner.invoke(args=["data", "catalogue"])
    assert result.exit_code == 0, result.output
    assert "Loaded indicator catalogue version 1.0: 30 added" in result.output
    again = runner.invoke(args=["data", "catalogue"])
    assert "0 added, 0 changed, 0 retired, 30 unchanged" in again.output

    text = (PROJECT_ROOT / "rubrics" / "indicators" / "catalogue.yaml").read_text("utf-8")
    broken = tmp_path / "catalogue.yaml"
    broken.write_text(text.replace('key_judgements: ["1.2"]', 'key_judgements: ["9.9"]', 1))
    result = runner.invoke(args=["data", "catalogue", str(broken)])
    assert result.exit_code != 0
    assert 'key judgement "9.9"' in result.output and "line" in result.output
    check = runner.invoke(args=["data", "catalogue", "--check"])
    assert check.exit_code == 0 and "30 indicators" in check.output


def test_demo_writes_the_generated_dataset(runner, tmp_path):
    target = tmp_path / "demo.csv"
    result = runner.invoke(args=["data", "demo", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "for 150 fictional authorities" in result.output
    lines = target.read_text("utf-8").splitlines()
    assert lines[0] == "authority_code,indicator_code,period,value"
    assert len(lines) > 150 * 30 * 3
