-- 0003: every per-file query (storing a parse, the identifier stage, re-parsing a file) looks
-- records up by their source file; without these indexes each one scans whole tables.

CREATE INDEX messages_file ON messages (file_id);
CREATE INDEX conversations_file ON conversations (file_id);
CREATE INDEX contacts_file ON contacts (file_id);
CREATE INDEX account_names_file ON account_names (file_id);
CREATE INDEX identifier_occurrences_file ON identifier_occurrences (file_id);
CREATE INDEX parse_warnings_file ON parse_warnings (file_id);
