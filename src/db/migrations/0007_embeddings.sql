-- v1.6: embeddings: which model made each note's vector, a per-user embedding cache, the queue.

ALTER TABLE notes ADD COLUMN embedding_model text;

-- Derived columns (the embedding and its model) neither move updated_at nor enter the audit trail.
DROP TRIGGER notes_updated_at ON notes;
CREATE TRIGGER notes_updated_at BEFORE UPDATE ON notes
  FOR EACH ROW EXECUTE FUNCTION set_updated_at('embedding', 'embedding_model');

-- The audit function now takes the table's derived columns as trigger arguments.
CREATE OR REPLACE FUNCTION audit_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  skip text[] := TG_ARGV || ARRAY['embedding', 'password_hash'];
  old_j jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - skip END;
  new_j jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - skip END;
  rec jsonb := coalesce(new_j, old_j);
  owner uuid := CASE WHEN TG_TABLE_NAME = 'users' THEN (rec ->> 'id')::uuid ELSE (rec ->> 'user_id')::uuid END;
  who uuid;
BEGIN
  IF TG_OP = 'UPDATE' AND (old_j - 'updated_at') = (new_j - 'updated_at') THEN
    RETURN NULL; -- nothing but derived or secret columns changed
  END IF;
  BEGIN
    who := auth.uid()::uuid;
  EXCEPTION WHEN others THEN who := NULL;
  END;
  IF TG_TABLE_NAME = 'users' AND TG_OP = 'DELETE' THEN
    DELETE FROM audit_log WHERE user_id = owner;
    old_j := jsonb_build_object('id', owner);
  ELSIF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM users WHERE id = owner) THEN
    RETURN NULL;
  END IF;
  INSERT INTO audit_log (table_name, operation, row_id, user_id, actor, actor_role, old_values, new_values)
  VALUES (TG_TABLE_NAME, TG_OP, (rec ->> 'id')::uuid, owner, who,
          coalesce(nullif(current_setting('role', true), 'none'), session_user), old_j, new_j);
  RETURN NULL;
END $$;
DROP TRIGGER notes_audit ON notes;
CREATE TRIGGER notes_audit AFTER INSERT OR UPDATE OR DELETE ON notes
  FOR EACH ROW EXECUTE FUNCTION audit_change('embedding_model');

-- The embedding queue: live notes without a vector, oldest change first.
CREATE INDEX idx_notes_embedding_pending ON notes(updated_at) WHERE embedding IS NULL AND deleted_at IS NULL;

-- Identical content is never embedded twice: vectors by model and content hash, per user (so an
-- account deletion takes its cache with it, and no user can probe another's content).
CREATE TABLE embedding_cache (
  user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  model        text NOT NULL,
  content_hash bytea NOT NULL,
  embedding    vector NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, model, content_hash)
);
ALTER TABLE embedding_cache ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON embedding_cache TO authenticated, service_role;
CREATE POLICY "Users can use own embedding cache" ON embedding_cache FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Service role can access all embedding caches" ON embedding_cache FOR ALL TO service_role
  USING (true) WITH CHECK (true);
