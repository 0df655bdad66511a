-- v1.3: audit trail, soft deletes for notes and vault notes, data retention settings.

-- One audit table for every user table, filled by triggers.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  table_name  text NOT NULL,
  operation   text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  row_id      uuid NOT NULL,
  user_id     uuid,          -- whose data the row is (kept without a foreign key: the trail outlives rows)
  actor       uuid,          -- auth.uid() of the request that made the change; NULL for system work
  actor_role  text NOT NULL, -- the database role: authenticated, service_role, or the session's own
  old_values  jsonb,
  new_values  jsonb,
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_audit_log_changed_at ON audit_log(changed_at);
CREATE INDEX idx_audit_log_row ON audit_log(table_name, row_id);
CREATE INDEX idx_audit_log_user_id ON audit_log(user_id);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON audit_log TO service_role;
CREATE POLICY "Service role can access the audit trail" ON audit_log FOR ALL TO service_role
  USING (true) WITH CHECK (true);

-- Records one change. Embeddings are left out of the values (large and derived). A row removed
-- because its user was deleted is not recorded, and deleting a user erases the trail of their
-- data, keeping only the fact of the deletion: an account deletion leaves none of its contents.
CREATE FUNCTION audit_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  old_j jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'embedding' END;
  new_j jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'embedding' END;
  rec jsonb := coalesce(new_j, old_j);
  owner uuid := CASE WHEN TG_TABLE_NAME = 'users' THEN (rec ->> 'id')::uuid ELSE (rec ->> 'user_id')::uuid END;
  who uuid;
BEGIN
  IF TG_OP = 'UPDATE' AND (old_j - 'updated_at') = (new_j - 'updated_at') THEN
    RETURN NULL; -- nothing but derived columns changed
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

CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION audit_change();
CREATE TRIGGER notes_audit AFTER INSERT OR UPDATE OR DELETE ON notes
  FOR EACH ROW EXECUTE FUNCTION audit_change();
CREATE TRIGGER clusters_audit AFTER INSERT OR UPDATE OR DELETE ON clusters
  FOR EACH ROW EXECUTE FUNCTION audit_change();
CREATE TRIGGER stacks_audit AFTER INSERT OR UPDATE OR DELETE ON stacks
  FOR EACH ROW EXECUTE FUNCTION audit_change();
CREATE TRIGGER insights_audit AFTER INSERT OR UPDATE OR DELETE ON insights
  FOR EACH ROW EXECUTE FUNCTION audit_change();
CREATE TRIGGER vault_notes_audit AFTER INSERT OR UPDATE OR DELETE ON vault_notes
  FOR EACH ROW EXECUTE FUNCTION audit_change();

-- Soft deletes: a deleted note or vault note goes to the trash first.
ALTER TABLE notes ADD COLUMN deleted_at timestamptz;
ALTER TABLE vault_notes ADD COLUMN deleted_at timestamptz;

-- Indexes that skip deleted rows, for the everyday queries; and one over the trash for purging.
CREATE INDEX idx_notes_user_created_live ON notes(user_id, created_at) WHERE deleted_at IS NULL;
CREATE INDEX idx_vault_notes_user_created_live ON vault_notes(user_id, created_at) WHERE deleted_at IS NULL;
CREATE INDEX idx_notes_deleted_at ON notes(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX idx_vault_notes_deleted_at ON vault_notes(deleted_at) WHERE deleted_at IS NOT NULL;
DROP INDEX idx_notes_content_fts;
CREATE INDEX idx_notes_content_fts ON notes USING gin (to_tsvector('english', content))
  WHERE deleted_at IS NULL;

-- Data retention: how long each kind of row is kept; the retention job reads this table.
CREATE TABLE retention_policies (
  table_name  text NOT NULL,
  age_column  text NOT NULL,
  keep_for    interval NOT NULL,
  description text NOT NULL,
  PRIMARY KEY (table_name, age_column)
);
INSERT INTO retention_policies (table_name, age_column, keep_for, description) VALUES
  ('insights',    'created_at', interval '1 year',  'Insights are retained for 1 year (automatic cleanup)'),
  ('audit_log',   'changed_at', interval '7 years', 'Audit logs are retained for 7 years (compliance requirement)'),
  ('notes',       'deleted_at', interval '30 days', 'Trashed notes are purged 30 days after deletion'),
  ('vault_notes', 'deleted_at', interval '30 days', 'Trashed vault notes are purged 30 days after deletion');
GRANT SELECT ON retention_policies TO service_role, authenticated;
