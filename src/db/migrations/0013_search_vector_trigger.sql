-- v1.12: the stored tsvector is made when a note's content is written, not on every update.
-- As a generated column, search_vector was computed again by every UPDATE of notes (a BEFORE UPDATE
-- trigger on the table makes PostgreSQL recompute stored generated columns): about 40 µs a row for
-- clustering's writes of cluster_id, which change no text. A plain column, kept by a trigger that
-- fires only when content (or the column itself) is written, holds the same values.
ALTER TABLE notes ALTER COLUMN search_vector DROP EXPRESSION;

CREATE FUNCTION notes_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := to_tsvector('english', NEW.content);
  RETURN NEW;
END $$;

CREATE TRIGGER notes_search_vector BEFORE INSERT OR UPDATE OF content, search_vector ON notes
  FOR EACH ROW EXECUTE FUNCTION notes_search_vector();
