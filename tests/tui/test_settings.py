"""User settings: a keymap file rebinds workbench keys (help and palette follow); a broken file
is one line naming the file and the problem."""

import pytest

from elc.tui.app import make_app
from elc.tui.settings import SettingsError, load_settings
from .helpers import SIZE, run, started


def _write(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_keymap_rebinds_search_and_help_shows_it(elc_path, tmp_path):
    settings = load_settings(_write(tmp_path, "theme: textual-light\nkeymap:\n  search: ctrl+f\n  remove: X\n"))
    assert settings.keymap == {"search": ("ctrl+f",), "remove": ("X",)}

    async def go():
        from elc.tui.screens.help import HelpScreen
        from elc.tui.screens.search import SearchScreen

        app = make_app(elc_path, "alice", source=1, settings=settings)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            assert app.theme == "textual-light"
            await pilot.press("slash")  # the default key no longer opens search
            await pilot.pause()
            assert not isinstance(app.screen, SearchScreen)
            await pilot.press("ctrl+f")
            await pilot.pause()
            assert isinstance(app.screen, SearchScreen)
            await pilot.press("escape")
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            keys = {a.id: a.keys for a in app.keys}
            assert keys["search"] == ("ctrl+f",) and keys["pick_code"] == ("c", "enter")
    run(go())


@pytest.mark.parametrize("text, message", [
    ("keymap:\n  serch: ctrl+f\n", "keymap.serch: no such action (did you mean 'search'?)"),
    ("keymap:\n  apply_number: z\n", "keymap.apply_number: this action's keys cannot be changed"),
    ("keymap:\n  search: 42\n", "keymap.search: keys are text"),
    ("keymap:\n  search: 'ctrl f'\n", "'ctrl f' is not a key name"),
    ("keymap: [1, 2]\n", "keymap: expected action: keys pairs"),
    ("theem: dark\n", "unknown setting 'theem' (did you mean 'theme'?)"),
    ("keymap:\n  search: [ctrl+f\n", "not valid YAML"),
    ("- a list\n", "expected settings such as"),
])
def test_broken_settings_are_one_line(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    assert message in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)


def test_unknown_theme_is_refused_before_the_app_runs(elc_path, tmp_path):
    settings = load_settings(_write(tmp_path, "theme: solarised\n"))
    with pytest.raises(SettingsError, match="no theme 'solarised'"):
        make_app(elc_path, "alice", settings=settings)


def test_no_file_means_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("ELC_CONFIG", str(tmp_path / "absent.yaml"))
    s = load_settings()
    assert s.keymap == {} and s.theme is None
