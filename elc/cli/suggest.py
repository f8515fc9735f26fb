"""Suggestion and agreement verbs: suggest, agreement."""

from __future__ import annotations

import json

import click

from elc.cli._app import main, open_or_fail, project_argument


@main.command("suggest")
@project_argument
@click.option("--coder", help="Learn from this coder's codings only (default: everyone's).")
@click.option("--apply-above", type=click.FloatRange(0, 1), help="Also turn suggestions with at least this confidence into codings.")
@click.option("--as-coder", default="elc-suggest", show_default=True, help="Coder name for --apply-above codings.")
@click.option("--evaluate", is_flag=True, help="Cross-validation on the coded units (grouped by participant) beside a TF-IDF + LinearSVC baseline.")
@click.option("--folds", default=5, show_default=True, help="Folds for --evaluate.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def suggest(project, coder, apply_above, as_coder, evaluate, folds, as_json):
    """Suggest codes and valence for uncoded participant segments, learned from the coding so far."""
    from elc.suggest import service

    p = open_or_fail(project)
    if evaluate:
        res = service.evaluate(p, coder, k=folds)
        if as_json:
            out = {k: v for k, v in res.items() if k not in ("per_code", "learning_curve", "reliability")}
            out["per_code"] = res["per_code"].to_dict(orient="records")
            out["learning_curve"] = res["learning_curve"].to_dict(orient="records")
            click.echo(json.dumps(out, indent=2, default=float))
            return
        units = ", ".join(f"{n} {u}s" for u, n in res["units"].items())
        click.echo(f"{res['segments']} coded units ({units}) of {res['participants']} participants, "
                   f"{res['codes']} codes, {folds}-fold cross-validation grouped by participant")
        b = res["baseline"]
        click.echo(f"elc:      macro F1 {res['macro_f1']:.3f}   micro F1 {res['micro_f1']:.3f}   "
                   f"calibration error {res['ece']:.3f}")
        click.echo(f"baseline: macro F1 {b['macro_f1']:.3f}   micro F1 {b['micro_f1']:.3f}   ({b['name']})")
        click.echo(f"ratio elc/baseline (macro F1): {res['ratio']:.2f}x over {res['learnable_codes']} codes "
                   f"with at least {res['min_examples']} coded units")
        if res["too_few_to_learn"]:
            few = ", ".join(f"{c} ({n})" for c, n in res["too_few_to_learn"].items())
            click.echo(f"too few to learn (fewer than {res['min_examples']} coded units, not scored): {few}")
        click.echo("")
        table = res["per_code"][res["per_code"].learnable]
        click.echo(table[["code", "support", "precision", "recall", "f1", "baseline_f1"]]
                   .sort_values("support", ascending=False).to_string(index=False, float_format="%.3f"))
        if len(res["learning_curve"]):
            click.echo("\nlearning curve (macro F1, same training rows and grouped test folds):")
            click.echo(res["learning_curve"].to_string(index=False, float_format="%.3f"))
        return
    model, vmodel, n = service.fit_models(p, coder)
    written = service.write_suggestions(p, model, vmodel, coder)
    applied = service.apply_above(p, as_coder, apply_above) if apply_above is not None else 0
    few = service.too_few_to_learn(model)
    if as_json:
        click.echo(json.dumps({"trained_on": n, "suggestions": written, "applied": applied,
                               "too_few_to_learn": few, "min_examples": service.MIN_EXAMPLES}))
        return
    click.echo(f"learned from {n} coded units; stored {written} suggestions for uncoded units"
               + (f"; applied {applied} at >= {apply_above:.2f} as '{as_coder}'" if apply_above is not None else ""))
    if few:
        click.echo(f"too few to learn (fewer than {service.MIN_EXAMPLES} coded units): {len(few)} codes, suggested "
                   f"only from their description and those few units: "
                   + ", ".join(f"{c} ({k})" for c, k in list(few.items())[:10]) + (" ..." if len(few) > 10 else ""))


@main.command("agreement")
@project_argument
@click.option("--coders", nargs=2, required=True, help="The two coders to compare.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def agreement(project, coders, as_json):
    """Inter-coder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha, per code and overall."""
    from elc.coding.compare import project_agreement

    res = project_agreement(open_or_fail(project), *coders)
    if as_json:
        click.echo(json.dumps({"coders": list(coders), "sources": res["sources"], "segments": res["segments"],
                               "not_reached": res["not_reached"],
                               "overall": res["overall"], "valence": res["valence"],
                               "per_code": res["per_code"].to_dict(orient="records"),
                               "disagreements": len(res["disagreements"])}, indent=2, default=float))
        return
    o = res["overall"]
    click.echo(f"{coders[0]} vs {coders[1]}: {len(res['sources'])} interviews, {res['segments']} segments "
               f"({res['not_reached']} after the point one of them had reached are left out)")
    click.echo(f"overall: agreement {o.get('percent_agreement', float('nan')):.3f}  "
               f"kappa {o.get('kappa', float('nan')):.3f}  alpha {o.get('alpha', float('nan')):.3f}")
    click.echo(res["per_code"].to_string(index=False, float_format="%.3f"))
    click.echo(f"{len(res['disagreements'])} disagreements (walk them in the workbench)")


@main.command("import-coded")
@project_argument
@click.argument("table", type=click.Path(dir_okay=False))
@click.option("--coder", required=True, help="Whose coding this was (recorded on every coding).")
@click.option("--text-column", help="Column with the response text (guessed if omitted).")
@click.option("--code-column", help="Column with code names (several separated by ; | or ,).")
@click.option("--code-separator", type=click.Choice([";", "|", ","]),
              help="Separator of code names in the code column (default: ; or | if the column uses one, else ,).")
@click.option("--code-map", type=click.Path(dir_okay=False),
              help="CSV of (value in the sheet, code name): renames codes and 0/1 column headers.")
@click.option("--create-codes", is_flag=True, help="Every 0/1 column is a code; create the ones the project lacks.")
@click.option("--sentiment-column", help="Column with sentiment: positive/negative/neutral or a number.")
@click.option("--participant-column", help="Column with participant ids (else one id per row, unique to this file).")
@click.option("--community", help="Community of interest of these respondents.")
def import_coded(project, table, coder, text_column, code_column, code_separator, code_map, create_codes,
                 sentiment_column, participant_column, community):
    """Bring earlier coding: import a coded spreadsheet (CSV/XLSX) as responses with codings.

    Each row is one response and the coded unit: its codes code the whole response. Codes come
    from a code-name column (names may contain commas: quote them, separate with ; or |, or
    give --code-map) and/or one 0/1 column per code (headers naming codes in the project, or
    any 0/1 column with --create-codes). The text is de-identified and segmented like any
    import. All of a file's codings are written in one transaction; if a run is interrupted,
    running it again completes it.
    """
    from elc.coding.coded_tables import import_coded_table

    res = import_coded_table(open_or_fail(project), table, coder, text_column, code_column, sentiment_column,
                             community, participant_column, code_separator=code_separator, code_map=code_map,
                             create_codes=create_codes)
    if res["resumed"] and not res["codings"]:
        click.echo(f"already imported: {res['rows']} coded rows with {res['already']} codings by {coder}; "
                   f"nothing added")
        return
    head = "completed an interrupted import: " if res["resumed"] else "imported "
    click.echo(f"{head}{res['rows']} coded rows as {res['codings']} codings by {coder} (unit: one response per row)"
               + (f"; {res['uncoded']} rows had no code" if res["uncoded"] else ""))
    if res["new_codes"]:
        click.echo(f"new codes ({len(res['new_codes'])}): {', '.join(res['new_codes'])}")
    if res.get("ids_replaced"):
        click.echo(f"note: {res['ids_replaced']} participant value(s) were not pseudonymous ids (names, phone or "
                   "NHS numbers); replaced by ids generated for this file and community")
