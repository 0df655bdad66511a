-- v1.9: a note deleted for good leaves no text in the audit trail.
-- Until now the trail kept a deleted note's content (and its earlier versions) for the audit
-- period of seven years, so emptying the trash did not erase what was written. The trail now keeps
-- the operations, times and actors of such a row, and drops its text, tags and vault ciphertext.

CREATE OR REPLACE FUNCTION audit_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  skip text[] := coalesce(TG_ARGV, '{}') || derived_columns() || ARRAY['embedding', 'password_hash'];
  old_j jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - skip END;
  new_j jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - skip END;
  rec jsonb := coalesce(new_j, old_j);
  owner uuid := CASE WHEN TG_TABLE_NAME = 'users' THEN (rec ->> 'id')::uuid ELSE (rec ->> 'user_id')::uuid END;
  who uuid;
  erased text[] := ARRAY['content', 'tags', 'ciphertext', 'iv', 'salt'];
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
  ELSIF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('notes', 'vault_notes') THEN
    -- deleted for good (the trash emptied or purged): the trail keeps who did what and when,
    -- not the erased text, here and in the row's earlier entries
    UPDATE audit_log SET old_values = old_values - erased, new_values = new_values - erased
      WHERE table_name = TG_TABLE_NAME AND row_id = (rec ->> 'id')::uuid;
    old_j := old_j - erased;
  END IF;
  INSERT INTO audit_log (table_name, operation, row_id, user_id, actor, actor_role, old_values, new_values)
  VALUES (TG_TABLE_NAME, TG_OP, (rec ->> 'id')::uuid, owner, who,
          coalesce(nullif(current_setting('role', true), 'none'), session_user), old_j, new_j);
  RETURN NULL;
END $$;
