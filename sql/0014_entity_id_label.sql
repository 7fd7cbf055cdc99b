-- A search ordered by label sorts its matches by their labels, and reads each match's label where its id leads: with
-- only the table's rowid to go by, that is one row of the table (a few hundred bytes, its page rarely in the cache at a
-- million entities) for each match. An (id, label) index is a covering lookup in pages that hold a hundred entries each:
-- "soup" (6,844 matches in the 1M library) 13-20 -> 7-11 ms, "beach" (146,821) 283 -> 68 ms (README, "The hot reads").
-- The planner prefers the rowid for an id lookup, so the page's query names this index (Entities/List/ListEntitiesSql),
-- as it names ix_entities_id_create_date and ix_entities_id_added_date (sql/0010) for those orders.
CREATE INDEX ix_entities_id_label ON entities (id, label COLLATE NOCASE);
