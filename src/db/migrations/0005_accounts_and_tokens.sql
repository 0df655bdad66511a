-- v1.4: accounts: password hashes, sessions and personal API tokens (stored only as hashes).

ALTER TABLE users ADD COLUMN password_hash text;

CREATE TABLE auth_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('session', 'api')),
  name         text,
  token_hash   bytea NOT NULL UNIQUE, -- SHA-256 of the 256-bit random token; the token itself is never stored
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,           -- NULL: until revoked (API tokens)
  last_used_at timestamptz
);
CREATE INDEX idx_auth_tokens_user_kind ON auth_tokens(user_id, kind, created_at);
CREATE INDEX idx_auth_tokens_expires_at ON auth_tokens(expires_at) WHERE expires_at IS NOT NULL;

ALTER TABLE auth_tokens ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON auth_tokens TO authenticated, service_role;
CREATE POLICY "Users can view own tokens" ON auth_tokens FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can insert own tokens" ON auth_tokens FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own tokens" ON auth_tokens FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can delete own tokens" ON auth_tokens FOR DELETE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Service role can access all tokens" ON auth_tokens FOR ALL TO service_role
  USING (true) WITH CHECK (true);

-- Users may delete their own account (the cascades remove everything of theirs).
GRANT DELETE ON users TO authenticated;
CREATE POLICY "Users can delete own account" ON users FOR DELETE TO authenticated
  USING (id = (SELECT auth.uid()::uuid));

-- The audit trail never holds password hashes.
CREATE OR REPLACE FUNCTION audit_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  old_j jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'embedding' - 'password_hash' END;
  new_j jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'embedding' - 'password_hash' END;
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
