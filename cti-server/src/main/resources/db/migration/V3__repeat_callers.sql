-- First-call resolution by repeat caller in the stored reports (docs/kpis.md): per interval, the answered queue calls
-- with a caller number that ended in it, and how many of them the same number called back within the repeat-call
-- window. Intervals computed before this migration have 0 of both (no figure) until something recomputes them.
ALTER TABLE interval_queue ADD COLUMN repeat_eligible INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE interval_queue ADD COLUMN repeat_calls INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE interval_agent ADD COLUMN repeat_eligible INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE interval_agent ADD COLUMN repeat_calls INTEGER DEFAULT 0 NOT NULL;
