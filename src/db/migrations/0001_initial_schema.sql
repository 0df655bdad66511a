-- v1.0: initial schema: the guide's six models, pgvector, the basic indexes.
CREATE EXTENSION IF NOT EXISTS vector;

-- Keeps updated_at current. Trigger arguments name columns whose change alone is not an edit
-- (for notes: the embedding written by the background worker).
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - TG_ARGV - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV - 'updated_at') THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$;

CREATE TABLE users (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email      text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clusters (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL,
  user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notes (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  content    text NOT NULL,
  tags       text[] NOT NULL DEFAULT '{}',
  embedding  vector(1536),
  user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  cluster_id uuid REFERENCES clusters(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stacks (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL,
  pinned     boolean NOT NULL DEFAULT false,
  user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE insights (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title      text NOT NULL,
  content    text NOT NULL,
  week_start timestamptz NOT NULL,
  week_end   timestamptz NOT NULL,
  user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vault_notes (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ciphertext text NOT NULL,
  iv         text NOT NULL,
  salt       text NOT NULL,
  user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER clusters_updated_at BEFORE UPDATE ON clusters
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER notes_updated_at BEFORE UPDATE ON notes
  FOR EACH ROW EXECUTE FUNCTION set_updated_at('embedding');
CREATE TRIGGER stacks_updated_at BEFORE UPDATE ON stacks
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER vault_notes_updated_at BEFORE UPDATE ON vault_notes
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The guide's primary indexes: per-user (RLS performance) and temporal.
CREATE INDEX idx_notes_user_id ON notes(user_id);
CREATE INDEX idx_clusters_user_id ON clusters(user_id);
CREATE INDEX idx_stacks_user_id ON stacks(user_id);
CREATE INDEX idx_insights_user_id ON insights(user_id);
CREATE INDEX idx_vault_notes_user_id ON vault_notes(user_id);

CREATE INDEX idx_notes_created_at ON notes(created_at);
CREATE INDEX idx_clusters_created_at ON clusters(created_at);
CREATE INDEX idx_stacks_created_at ON stacks(created_at);
CREATE INDEX idx_insights_created_at ON insights(created_at);
CREATE INDEX idx_vault_notes_created_at ON vault_notes(created_at);

CREATE INDEX idx_notes_cluster_id ON notes(cluster_id);
CREATE INDEX idx_stacks_pinned ON stacks(pinned);
CREATE INDEX idx_insights_week_start ON insights(week_start);

-- The guide's first vector index (replaced by HNSW in v1.2).
CREATE INDEX idx_notes_embedding ON notes USING ivfflat (embedding vector_cosine_ops);
