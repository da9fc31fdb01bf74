"""FAQ author tools: `kb check` (before a change goes live), `kb promote` (a user's question into an entry's
alternate questions) and the report of what users asked, what the bot resolved, and what to write next.

Modules: `check` and `diff` (kb check), `promote`, `stream` (reads conversations), `figures` (rates and
counts), `clusters` and `matching` (unanswered questions by meaning, nearest entry), `report` (puts them
together), `charts` and `render` (HTML, JSON, CSV), `commands` (the `python -m bot` subcommands),
`calibrate` with `validation_data` (how the thresholds were chosen), `synthetic` (benchmark data).
Nothing here imports matplotlib until a chart is drawn.
"""
