-- v1.11: clustering's writes of notes.cluster_id are heap-only (HOT) updates.
-- Each note that clustering moved was a new version of its notes row, inserted into every index of
-- notes, the HNSW index of the 1,536-d vectors among them (about 1 ms a row on PostgreSQL, 6 ms on
-- PGlite): the first clustering of 10,000 notes spent 7.5 s in one UPDATE. PostgreSQL updates a row
-- in place, touching no index, only when no indexed column changes, the row's page has room, and no
-- BEFORE trigger rebuilt the row (set_updated_at reads NEW whole with to_jsonb, which detoasts the
-- vector into the new version: it is written to TOAST again and counts as changed for HNSW).

-- 1. cluster_id is in no index of notes. The guide's cluster queries read one user's notes through
--    the per-user indexes (row-level security or the query itself names the user), one pass for all
--    of a user's clusters; the guide's idx_notes_user_cluster and idx_notes_cluster_id go.
DROP INDEX idx_notes_cluster_id;
DROP INDEX idx_notes_user_cluster;

-- 2. Room for a new version of every row on its own page (a first clustering moves every note in
--    one transaction). Applies to pages written from now on: a packed page spreads out the first time
--    its rows move.
ALTER TABLE notes SET (fillfactor = 50);

-- 3. The stored tsvector stays uncompressed in the row unless the row is still too big once its content
--    is compressed or moved out (storage MAIN instead of EXTENDED). A BEFORE UPDATE trigger on notes makes
--    PostgreSQL compute the generated column again on every update; the fresh value is uncompressed, so
--    a compressed stored one compared unequal and the update could not be HOT: 5% of the notes of the
--    benchmark (those with more than about 1,000 characters). Only where the value is kept changes.
ALTER TABLE notes ALTER COLUMN search_vector SET STORAGE MAIN;

-- 4. The notes triggers fire only when a column changes that is neither skipped (the vector, its
--    model and the stored tsvector) nor derived in this transaction (clustering names cluster_id in
--    mindstorm.derived_columns); updated_at is ignored. That is what set_updated_at and audit_change
--    compare themselves, asked before the row is read whole. A column added to notes must be added
--    here (test/db/cluster-writes.test.ts checks that every column is named).
--    (The columns are named one by one: a whole row in a WHEN clause would be detoasted too.)
DROP TRIGGER notes_updated_at ON notes;
CREATE TRIGGER notes_updated_at BEFORE UPDATE ON notes FOR EACH ROW
  WHEN ((OLD.id, OLD.user_id, OLD.content, OLD.tags, OLD.created_at, OLD.deleted_at, OLD.cluster_pinned)
          IS DISTINCT FROM (NEW.id, NEW.user_id, NEW.content, NEW.tags, NEW.created_at, NEW.deleted_at, NEW.cluster_pinned)
        OR (OLD.cluster_id IS DISTINCT FROM NEW.cluster_id AND NOT 'cluster_id' = ANY (derived_columns())))
  EXECUTE FUNCTION set_updated_at('embedding', 'embedding_model', 'search_vector');
DROP TRIGGER notes_audit ON notes;
CREATE TRIGGER notes_audit AFTER INSERT OR DELETE ON notes
  FOR EACH ROW EXECUTE FUNCTION audit_change('embedding_model', 'search_vector');
CREATE TRIGGER notes_audit_update AFTER UPDATE ON notes FOR EACH ROW
  WHEN ((OLD.id, OLD.user_id, OLD.content, OLD.tags, OLD.created_at, OLD.deleted_at, OLD.cluster_pinned)
          IS DISTINCT FROM (NEW.id, NEW.user_id, NEW.content, NEW.tags, NEW.created_at, NEW.deleted_at, NEW.cluster_pinned)
        OR (OLD.cluster_id IS DISTINCT FROM NEW.cluster_id AND NOT 'cluster_id' = ANY (derived_columns())))
  EXECUTE FUNCTION audit_change('embedding_model', 'search_vector');
