"""Through the CLI: import-coded a multi-label sheet, evaluate beside the baseline, suggest."""

import json

from click.testing import CliRunner

from elc.cli import main
from tests.suggest.test_units import _survey


def test_import_coded_then_evaluate_json_and_suggest(project, tmp_path):
    location = project.location
    project.close()
    sheet = _survey(tmp_path)
    runner = CliRunner()
    out = runner.invoke(main, ["import-coded", location, str(sheet), "--coder", "old", "--participant-column",
                               "participant", "--community", "patients"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("imported 61 coded rows as ")
    assert "new codes" not in out.output  # all four are in the codebook
    out = runner.invoke(main, ["suggest", location, "--evaluate", "--json", "--folds", "3"])
    assert out.exit_code == 0, out.output
    res = json.loads(out.output)
    assert res["units"] == {"response": 61} and res["grouped_by"] == "participant"
    assert {"macro_f1", "micro_f1", "name"} <= set(res["baseline"]) and res["ratio"] > 0
    assert res["too_few_to_learn"] == {"Eligibility and escorts": 1}
    assert {"n_coded", "macro_f1", "baseline_macro_f1", "ratio"} <= set(res["learning_curve"][0])
    out = runner.invoke(main, ["suggest", location, "--evaluate", "--folds", "3"])
    assert "baseline: macro F1" in out.output and "too few to learn" in out.output
    out = runner.invoke(main, ["suggest", location])
    assert out.exit_code == 0 and "too few to learn" in out.output and "Eligibility and escorts (1)" in out.output
