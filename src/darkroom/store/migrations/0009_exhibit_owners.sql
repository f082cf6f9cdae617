-- 0009: the accounts a parser states to be its exhibit's own (the phone's WhatsApp number in
-- msgstore.db, a UFDR's IsPhoneOwner party, the account a Telegram or Meta export belongs to),
-- with the file and locator that say so. The network stage takes these before it infers owners
-- from how conversations look. Rows go with their file when it is parsed again.
CREATE TABLE stated_owners (
    exhibit_id INTEGER NOT NULL REFERENCES exhibits (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    file_id INTEGER NOT NULL REFERENCES files (id),
    locator TEXT NOT NULL,
    PRIMARY KEY (file_id, account_id)
);
CREATE INDEX stated_owners_exhibit ON stated_owners (exhibit_id);
