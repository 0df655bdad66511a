-- v1.14: the planner's estimate of matching_notes() rows.
-- A function's rows are estimated at 1,000 unless it says otherwise. Against that estimate,
-- full-text search joined the matches back to notes by hashing all of the user's notes (a
-- sequential scan: 16 ms against 3.6 ms for 300 matches at 10,000 notes, in one EXPLAIN ANALYZE)
-- instead of looking each match up by its key. Callers ask for the newest 300 to 2,000 matches; an
-- estimate on the low side costs at most that many key lookups (0.6 ms for 300 in the same run),
-- one on the high side a read of all the user's notes.
ALTER FUNCTION matching_notes(tsquery, integer, text) ROWS 100;
