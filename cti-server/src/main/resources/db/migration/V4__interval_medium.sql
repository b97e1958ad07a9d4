-- The stored interval and agent reports per medium (issue 15): chats and emails count in the interval tables beside
-- calls, one row per medium. Rows stored before this migration were counted from calls only: they become 'voice'.
-- For chat and email, talk_s holds the handle seconds (accept to close), as a contact record's handleSeconds; the
-- agent-state columns stay 0 on their rows (agent states are the tracker's, on the voice rows).
ALTER TABLE interval_queue ADD COLUMN medium VARCHAR(16) DEFAULT 'voice' NOT NULL;
ALTER TABLE interval_queue DROP CONSTRAINT pk_interval_queue;
ALTER TABLE interval_queue ADD CONSTRAINT pk_interval_queue PRIMARY KEY (interval_ms, queue, medium);
ALTER TABLE interval_agent ADD COLUMN medium VARCHAR(16) DEFAULT 'voice' NOT NULL;
ALTER TABLE interval_agent DROP CONSTRAINT pk_interval_agent;
ALTER TABLE interval_agent ADD CONSTRAINT pk_interval_agent PRIMARY KEY (interval_ms, pbx, agent, medium);
