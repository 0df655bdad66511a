-- v1.5: stacks hold notes (an ordered, per-user membership); the vault's key envelope.

-- Fixes v1.0's set_updated_at: in a trigger created without arguments TG_ARGV is NULL, so
-- `jsonb - TG_ARGV` was NULL and updated_at never moved on users, clusters, stacks and vault notes.
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - coalesce(TG_ARGV, '{}') - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - coalesce(TG_ARGV, '{}') - 'updated_at') THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$;

-- Composite keys below need (id, user_id) to be unique on the referenced tables.
ALTER TABLE stacks ADD CONSTRAINT stacks_id_user_id_key UNIQUE (id, user_id);
ALTER TABLE notes ADD CONSTRAINT notes_id_user_id_key UNIQUE (id, user_id);

-- A note can be in many stacks. Foreign keys bypass RLS, so both carry user_id: the database
-- itself refuses a stack of one user holding a note of another.
CREATE TABLE stack_notes (
  stack_id uuid NOT NULL,
  note_id  uuid NOT NULL,
  user_id  uuid NOT NULL,
  position integer NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stack_id, note_id),
  CONSTRAINT stack_notes_stack_fkey FOREIGN KEY (stack_id, user_id) REFERENCES stacks(id, user_id) ON DELETE CASCADE,
  CONSTRAINT stack_notes_note_fkey FOREIGN KEY (note_id, user_id) REFERENCES notes(id, user_id) ON DELETE CASCADE
);
CREATE INDEX idx_stack_notes_user_id ON stack_notes(user_id);
CREATE INDEX idx_stack_notes_note_id ON stack_notes(note_id);

-- One vault header per user: the wrapped vault key and the KDF settings, opaque to the server.
CREATE TABLE vault_keys (
  user_id     uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  wrapped_key text NOT NULL,
  kdf         jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER vault_keys_updated_at BEFORE UPDATE ON vault_keys
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

GRANT SELECT, INSERT, UPDATE, DELETE ON stack_notes, vault_keys TO authenticated, service_role;
ALTER TABLE stack_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE vault_keys ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Users can view own stack notes" ON stack_notes FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can insert own stack notes" ON stack_notes FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own stack notes" ON stack_notes FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can delete own stack notes" ON stack_notes FOR DELETE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));

CREATE POLICY "Users can view own vault key" ON vault_keys FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can insert own vault key" ON vault_keys FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own vault key" ON vault_keys FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can delete own vault key" ON vault_keys FOR DELETE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));

CREATE POLICY "Service role can access all stack notes" ON stack_notes FOR ALL TO service_role
  USING (true) WITH CHECK (true);
CREATE POLICY "Service role can access all vault keys" ON vault_keys FOR ALL TO service_role
  USING (true) WITH CHECK (true);
