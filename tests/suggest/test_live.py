import pandas as pd

from elc.suggest.live import LiveSuggestions


def test_live_suggestions_refit_in_background(coded_project):
    updates = []
    live = LiveSuggestions(coded_project.location, coder="alice", every=2, on_update=updates.append).start()
    assert live.scheduler.wait(timeout=60)
    assert updates and updates[-1] > 0
    first = pd.read_sql("select count(*) n from suggestions", coded_project.engine).n[0]
    assert first == updates[-1]
    live.notify()
    live.notify()
    assert live.scheduler.wait(timeout=60)
    assert live.scheduler.version >= 2
    live.close()
