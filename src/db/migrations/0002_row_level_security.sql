-- v1.1: row-level security, with Supabase's conventions so this file applies unchanged to a
-- Supabase database: roles anon, authenticated and service_role; auth.uid() reads the `sub`
-- claim of the request.jwt.claims setting.

-- Roles are cluster-wide: create each only when missing (another database may have made it,
-- even at this very moment).
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END;
    END IF;
  END LOOP;
END $$;

-- Let the connecting role act as each of them (already true for a superuser).
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
    IF NOT pg_has_role(current_user, r, 'MEMBER') THEN
      EXECUTE format('GRANT %I TO %I', r, current_user);
    END IF;
  END LOOP;
END $$;

CREATE SCHEMA IF NOT EXISTS auth;

-- Supabase defines auth.uid() itself (returning uuid); define ours only where it is missing.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $f$
      SELECT nullif(coalesce(
        current_setting('request.jwt.claim.sub', true),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
      ), '')::uuid
    $f$;
  END IF;
END $$;

GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION auth.uid() TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON notes, clusters, stacks, insights, vault_notes TO authenticated;
GRANT SELECT, UPDATE ON users TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON users, notes, clusters, stacks, insights, vault_notes TO service_role;

-- A note can only be filed in a cluster of its own user: foreign keys bypass RLS, so the
-- database itself must refuse a link to another user's cluster.
ALTER TABLE clusters ADD CONSTRAINT clusters_id_user_id_key UNIQUE (id, user_id);
ALTER TABLE notes DROP CONSTRAINT notes_cluster_id_fkey;
ALTER TABLE notes ADD CONSTRAINT notes_cluster_fkey FOREIGN KEY (cluster_id, user_id)
  REFERENCES clusters(id, user_id) ON DELETE SET NULL (cluster_id);

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE clusters ENABLE ROW LEVEL SECURITY;
ALTER TABLE stacks ENABLE ROW LEVEL SECURITY;
ALTER TABLE insights ENABLE ROW LEVEL SECURITY;
ALTER TABLE vault_notes ENABLE ROW LEVEL SECURITY;

-- Policies call (select auth.uid()) so Postgres evaluates it once per statement, and cast it
-- so they work whether auth.uid() returns text or uuid.
CREATE POLICY "Users can view own account" ON users FOR SELECT TO authenticated
  USING (id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own account" ON users FOR UPDATE TO authenticated
  USING (id = (SELECT auth.uid()::uuid)) WITH CHECK (id = (SELECT auth.uid()::uuid));

CREATE POLICY "Users can view own notes" ON notes FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can insert own notes" ON notes FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own notes" ON notes FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can delete own notes" ON notes FOR DELETE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));

CREATE POLICY "Users can view own clusters" ON clusters FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can insert own clusters" ON clusters FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own clusters" ON clusters FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can delete own clusters" ON clusters FOR DELETE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));

CREATE POLICY "Users can view own stacks" ON stacks FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can insert own stacks" ON stacks FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own stacks" ON stacks FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can delete own stacks" ON stacks FOR DELETE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));

CREATE POLICY "Users can view own insights" ON insights FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can insert own insights" ON insights FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own insights" ON insights FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can delete own insights" ON insights FOR DELETE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));

CREATE POLICY "Users can view own vault notes" ON vault_notes FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can insert own vault notes" ON vault_notes FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own vault notes" ON vault_notes FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can delete own vault notes" ON vault_notes FOR DELETE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));

-- Service role access: system work (jobs, sign-in look-ups) sees every row.
CREATE POLICY "Service role can access all users" ON users FOR ALL TO service_role
  USING (true) WITH CHECK (true);
CREATE POLICY "Service role can access all data" ON notes FOR ALL TO service_role
  USING (true) WITH CHECK (true);
CREATE POLICY "Service role can access all clusters" ON clusters FOR ALL TO service_role
  USING (true) WITH CHECK (true);
CREATE POLICY "Service role can access all stacks" ON stacks FOR ALL TO service_role
  USING (true) WITH CHECK (true);
CREATE POLICY "Service role can access all insights" ON insights FOR ALL TO service_role
  USING (true) WITH CHECK (true);
CREATE POLICY "Service role can access all vault notes" ON vault_notes FOR ALL TO service_role
  USING (true) WITH CHECK (true);
