"""Triage: indicator lexicons matched over every message, planned events with their dates and
urgent alerts, and an explainable, advisory priority for every suspect.

Stages (`darkroom triage run`, and the end of `darkroom analyse`): `indicators` (one
multi-pattern pass over all messages), `events` (co-occurring categories with a resolvable
future date become one alert per planned event), `priority` (a score with its reasons per
subject). Scores order the team's work; they are never a decision.
"""
