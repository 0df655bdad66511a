-- v1.7: automatic clusters: user-given names, centroids, pinned notes, map positions, each user's fitted model.

-- A cluster's name is either automatic (renamed freely by re-clustering) or the user's (kept).
-- centroid: unit-norm Float32 little-endian vector in the user's feature space (cluster_models.model);
-- terms: the distinguishing words the automatic name came from; map_x/map_y: its centre on the map.
ALTER TABLE clusters ADD COLUMN user_named boolean NOT NULL DEFAULT false;
ALTER TABLE clusters ADD COLUMN centroid bytea;
ALTER TABLE clusters ADD COLUMN terms text[] NOT NULL DEFAULT '{}';
ALTER TABLE clusters ADD COLUMN map_x real;
ALTER TABLE clusters ADD COLUMN map_y real;

-- A note the user filed by hand (into a cluster, or out of every cluster: cluster_id NULL) stays there.
ALTER TABLE notes ADD COLUMN cluster_pinned boolean NOT NULL DEFAULT false;
CREATE INDEX idx_notes_user_pinned ON notes(user_id) WHERE cluster_pinned;
-- Notes changed since a user's last full clustering: when to re-cluster, and what to place incrementally.
CREATE INDEX idx_notes_user_updated_live ON notes(user_id, updated_at) WHERE deleted_at IS NULL;

-- Where clustering last placed each note: its point on the 2-D map and when (a note changed since
-- then waits for incremental placement). Kept beside notes, not in them: every update of a notes
-- row re-inserts it into the HNSW index (~1-5 ms), and a full run moves every point on the map.
CREATE TABLE note_placements (
  note_id   uuid PRIMARY KEY,
  user_id   uuid NOT NULL,
  map_x     real,
  map_y     real,
  placed_at timestamptz NOT NULL,
  CONSTRAINT note_placements_note_fkey FOREIGN KEY (note_id, user_id) REFERENCES notes(id, user_id) ON DELETE CASCADE
);
CREATE INDEX idx_note_placements_user_id ON note_placements(user_id);
ALTER TABLE note_placements ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON note_placements TO authenticated, service_role;
CREATE POLICY "Users can view own note placements" ON note_placements FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can insert own note placements" ON note_placements FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own note placements" ON note_placements FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can delete own note placements" ON note_placements FOR DELETE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Service role can access all note placements" ON note_placements FOR ALL TO service_role
  USING (true) WITH CHECK (true);

-- Columns that the current transaction writes as derived data (clustering's own assignments of
-- cluster_id), as a comma-separated list in the transaction-local setting mindstorm.derived_columns:
-- the clustering service sets it, so its writes neither move updated_at nor fill the audit trail,
-- while a user's move (no setting) is an edit like any other.
CREATE FUNCTION derived_columns() RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_to_array(nullif(current_setting('mindstorm.derived_columns', true), ''), ','), '{}')
$$;
GRANT EXECUTE ON FUNCTION derived_columns() TO anon, authenticated, service_role;

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  skip text[] := coalesce(TG_ARGV, '{}') || public.derived_columns() || ARRAY['updated_at'];
BEGIN
  IF (to_jsonb(NEW) - skip) IS DISTINCT FROM (to_jsonb(OLD) - skip) THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$;

-- As in v1.6, plus the transaction's derived columns.
CREATE OR REPLACE FUNCTION audit_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  skip text[] := coalesce(TG_ARGV, '{}') || derived_columns() || ARRAY['embedding', 'password_hash'];
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

-- A cluster's centroid, terms and map centre are derived; its name and user_named are not. (The
-- notes triggers stay as v1.6 made them: no derived column is added to notes; cluster_pinned is the
-- user's, and clustering's own writes of cluster_id name it in mindstorm.derived_columns.)
DROP TRIGGER clusters_updated_at ON clusters;
CREATE TRIGGER clusters_updated_at BEFORE UPDATE ON clusters
  FOR EACH ROW EXECUTE FUNCTION set_updated_at('centroid', 'terms', 'map_x', 'map_y');
DROP TRIGGER clusters_audit ON clusters;
CREATE TRIGGER clusters_audit AFTER INSERT OR UPDATE OR DELETE ON clusters
  FOR EACH ROW EXECUTE FUNCTION audit_change('centroid', 'terms', 'map_x', 'map_y');

-- One fitted feature model per user (vocabulary, idf, LSA projection: what placing a new note
-- needs), in a compact binary form; threshold: the similarity below which a note stays unclustered.
CREATE TABLE cluster_models (
  user_id         uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  model           bytea NOT NULL,
  threshold       real NOT NULL,
  embedding_model text,          -- the embedding model whose vectors entered the features; NULL: text only
  note_count      integer NOT NULL, -- live notes in the fit
  fitted_at       timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE cluster_models ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON cluster_models TO authenticated, service_role;
CREATE POLICY "Users can view own cluster model" ON cluster_models FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can insert own cluster model" ON cluster_models FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can update own cluster model" ON cluster_models FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid)) WITH CHECK (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Users can delete own cluster model" ON cluster_models FOR DELETE TO authenticated
  USING (user_id = (SELECT auth.uid()::uuid));
CREATE POLICY "Service role can access all cluster models" ON cluster_models FOR ALL TO service_role
  USING (true) WITH CHECK (true);
