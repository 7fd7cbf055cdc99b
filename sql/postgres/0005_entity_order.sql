-- GET /entities sorts as on SQLite: NULL before every value ascending and after every value descending, ties broken
-- by id (Store/Entities/List/ListEntitiesSql). PostgreSQL's indexes put NULL last, so a page ordered by a nullable
-- column would sort the matching rows: these indexes hold each order as the list asks for it (read backwards for
-- the descending one), label by lower(label) as SQLite's NOCASE ignores ASCII case.
DROP INDEX ix_entities_label_nocase;
CREATE INDEX ix_entities_label_nocase ON entities (lower(label) NULLS FIRST, id);
CREATE INDEX ix_entities_create_date_order ON entities (create_date NULLS FIRST, id);
CREATE INDEX ix_entities_file_size_order ON entities (file_size NULLS FIRST, id);
CREATE INDEX ix_entities_added_date_order ON entities (added_date, id);
CREATE INDEX ix_entities_updated_date_order ON entities (updated_date, id);
