-- The team's workspace (issue 7): bookmarks and notes on messages, media and persons.
SELECT 1;
