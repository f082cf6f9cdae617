-- Identity resolution (issue 5): accounts and contact entries resolved into persons.
-- Owned by the identity stage; `persons`, `person_links` and `decisions` are in 0001.
SELECT 1;
