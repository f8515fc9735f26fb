"""Command palette (ctrl+p): every keymap action with its keys, plus codes and sources by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from elc.tui import keymap


class ElcCommands(Provider):
    """Actions from :data:`elc.tui.keymap.KEYMAP`; "Apply / Filter / Retrieve: CODE"; "Open: SOURCE"."""

    def _main(self):
        return getattr(self.app, "main_screen", None)

    def _run(self, action: str, scope: str) -> None:
        target = self.app if scope == "app" else self._main()
        if target is not None:
            self.app.call_later(self.app.run_action, action, target)

    def _commands(self):
        main = self._main()
        for a in getattr(self.app, "keys", keymap.KEYMAP):
            if not a.palette:
                continue
            yield (a.description, f"{keymap.keys_text(a)} · {a.group}",
                   partial(self._run, a.action_name, a.scope))
        if main is None:
            return
        wb = main.wb
        from elc.tui.exports import EXPORTS

        for e in EXPORTS:
            yield (f"Export: {e.title}", "asks where to write it", partial(main.export_to, e.id))
        for c in wb.all_codes():
            yield (f"Apply code: {c.name}", c.definition[:80] or c.kind, partial(main.apply_code, c.id))
            yield (f"Filter transcript to: {c.name}", "show only its passages", partial(main.set_code_filter, c.id))
            yield (f"Retrieve: {c.name}", "every passage, by community", partial(main.open_retrieve, c.id))
        for row in wb.source_rows():
            yield (f"Open source: {row.label} ({row.community or '-'})", row.name, partial(main.open_source, row.id))

    async def discover(self) -> Hits:
        for text, help_text, callback in self._commands():
            if text.startswith(("Apply code:", "Filter transcript", "Retrieve:", "Open source:", "Export:")):
                continue
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, callback in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, text=text, help=help_text)
