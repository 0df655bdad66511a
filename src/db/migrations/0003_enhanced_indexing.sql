-- v1.2: composite indexes for common queries, full-text search indexes, and a vector index fit
-- for per-user search.

-- User + time, user + cluster, user + pinned (the guide's composite indexes).
CREATE INDEX idx_notes_user_created ON notes(user_id, created_at);
CREATE INDEX idx_clusters_user_created ON clusters(user_id, created_at);
CREATE INDEX idx_stacks_user_created ON stacks(user_id, created_at);
CREATE INDEX idx_insights_user_created ON insights(user_id, created_at);
CREATE INDEX idx_vault_notes_user_created ON vault_notes(user_id, created_at);
CREATE INDEX idx_notes_user_cluster ON notes(user_id, cluster_id);
CREATE INDEX idx_clusters_user_name ON clusters(user_id, name);
CREATE INDEX idx_stacks_user_pinned ON stacks(user_id, pinned);

-- Full-text search.
CREATE INDEX idx_notes_content_fts ON notes USING gin (to_tsvector('english', content));
CREATE INDEX idx_clusters_name_fts ON clusters USING gin (to_tsvector('english', name));
CREATE INDEX idx_stacks_name_fts ON stacks USING gin (to_tsvector('english', name));

-- HNSW instead of ivfflat: ivfflat's lists are fixed when the index is built (the v1.0 index was
-- built on an empty table, so its centroids are meaningless), while HNSW needs no training and
-- keeps its recall as notes arrive. Per-user filtering is applied after the index scan, so the
-- search service turns on pgvector's iterative scans or scans a small user's rows exactly.
DROP INDEX idx_notes_embedding;
CREATE INDEX idx_notes_embedding_hnsw ON notes USING hnsw (embedding vector_cosine_ops);
