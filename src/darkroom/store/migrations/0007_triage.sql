-- Triage (issue 6): indicator hits, planned events, alerts, offender factors, priority scores.
SELECT 1;
