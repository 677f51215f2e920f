"""Pure stages of newsdesk, in reading order: fetch, extract, dedupe, cluster, alerts.

Stages work on the dataclasses of `bot.pipeline.models`; they import no Slack and no SQL,
and the HTTP client reaches `fetch` from outside. `bot.cycle` runs them for one source.
"""
