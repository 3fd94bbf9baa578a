"""The benchmark and demo modules run on the test chain and report what they did."""

from types import SimpleNamespace

from gaoling.bench.quiz import measure
from gaoling.demo.quiz import run


def test_bench_reports_certificate_mint(project, accounts, chain):
    gas = measure(SimpleNamespace(project=project, accounts=accounts, chain=chain))
    print("GAS", gas)
    assert set(gas) == {"certificate.mint"}
    assert 100_000 < gas["certificate.mint"] < 200_000


def test_demo_passes_and_mints(project, accounts, chain, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = run(SimpleNamespace(project=project, accounts=accounts, chain=chain))
    assert len(rows) == 2
    assert "9/10 correct (90%)" in rows[0][1] and "passed" in rows[0][1]
    assert rows[1][1].startswith("#1 to ") and "locked: True" in rows[1][1]
    assert (tmp_path / ".cache/gaoling-demo/quiz-answers.yaml").exists()
