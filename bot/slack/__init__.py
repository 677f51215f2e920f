"""Slack: what commands do (desk), every word editors read (texts), Block Kit
rendering as pure functions of data (blocks, mrkdwn), the outbox poster, the Bolt server and
the console stand-in."""
