-- v1.10: full-text search reads a stored tsvector instead of parsing every matching note.
-- Ranking a query (ts_rank_cd) needs each matching note's tsvector; with only an expression index,
-- PostgreSQL parsed the content of every match again for each search.
ALTER TABLE notes ADD COLUMN search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('english', content)) STORED;
DROP INDEX idx_notes_content_fts;
CREATE INDEX idx_notes_search_vector ON notes USING gin (search_vector) WHERE deleted_at IS NULL;

-- Derived: neither an edit (updated_at) nor an entry of the audit trail.
DROP TRIGGER notes_updated_at ON notes;
CREATE TRIGGER notes_updated_at BEFORE UPDATE ON notes
  FOR EACH ROW EXECUTE FUNCTION set_updated_at('embedding', 'embedding_model', 'search_vector');
DROP TRIGGER notes_audit ON notes;
CREATE TRIGGER notes_audit AFTER INSERT OR UPDATE OR DELETE ON notes
  FOR EACH ROW EXECUTE FUNCTION audit_change('embedding_model', 'search_vector');
