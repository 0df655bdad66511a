-- v1.13: full-text matching through the GIN index under row-level security.
-- Under RLS a query's own conditions are applied only after the policy's, unless their operators
-- are leakproof; tsvector @@ tsquery is not, so it could never be an index condition: every
-- full-text search read all of the user's notes in date order (a word that no note has: 120 ms at
-- 100,000 notes). matching_notes() finds the caller's matches itself, as the table's owner, through
-- the GIN index; it filters by the same auth.uid() as the policies, so it returns the caller's
-- notes only. Planned for each call with its actual query (EXECUTE), so a rare word is looked up in
-- the index and a common one read newest first.
CREATE FUNCTION matching_notes(q tsquery, newest integer, tag text DEFAULT NULL)
RETURNS TABLE (id uuid) LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  RETURN QUERY EXECUTE
    'SELECT n.id FROM notes n
     WHERE n.user_id = $1 AND n.deleted_at IS NULL AND n.search_vector @@ $2 AND ($4::text IS NULL OR n.tags @> ARRAY[$4::text])
     ORDER BY n.created_at DESC LIMIT $3'
    USING auth.uid(), q, newest, tag;
END $$;
REVOKE ALL ON FUNCTION matching_notes(tsquery, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION matching_notes(tsquery, integer, text) TO authenticated;
