-- FTS5 keeps each index as levels of segments, and every write adds a segment to each of the three indexes
-- (entity_search, entity_terms, search_terms_index): at each statement savepoint and commit, so a create in a shared
-- commit adds its own. Once a level holds `automerge` segments (4 by default) they are merged into one of the next
-- level, a little at every write; once it holds `crisismerge` (16) the whole level is merged at once, inside the write
-- that got there. At a million entities there are enough levels that this merging was the largest part of a create's
-- work: 24% of the service's samples in fts5IndexMergeLevel and its iterators, 570-2,700 creates a second (six runs of
-- nine under 1,000) against 5,264 without the triggers, p99 up to 132 ms (README, "The creates at a million").
-- Merging 16 segments at a time rewrites each entry about half as often (log16 against log4 of the levels), and a
-- crisis merge at 64 leaves the incremental merging room to keep up: 2,000-2,900 creates a second on the same copy,
-- p99 11-74 ms. A search reads a few more segments a word; the searches of bench/reads measured the same within their
-- spread. These are settings of the indexes, kept in their _config tables.
INSERT INTO entity_search (entity_search, rank) VALUES ('automerge', 16);
INSERT INTO entity_search (entity_search, rank) VALUES ('crisismerge', 64);
INSERT INTO entity_terms (entity_terms, rank) VALUES ('automerge', 16);
INSERT INTO entity_terms (entity_terms, rank) VALUES ('crisismerge', 64);
INSERT INTO search_terms_index (search_terms_index, rank) VALUES ('automerge', 16);
INSERT INTO search_terms_index (search_terms_index, rank) VALUES ('crisismerge', 64);
