"""Pure stages of newsdesk, in reading order: fetch, extract, dedupe, cluster, alerts.

Extraction has one module per concern: `feeds` (feed documents -> entries), `pages`
(article pages -> text), `furniture` (page furniture in plain text), `urls` (canonical
URLs) and `dates` (times -> UTC).

Stages work on the dataclasses of `bot.pipeline.models`; they import no Slack and no SQL,
and the HTTP client reaches `fetch` from outside. `bot.live.watcher` runs them for one source.
"""
