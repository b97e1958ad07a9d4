-- Occupancy per medium in the stored reports (issue 15). The omnichannel router's view of an agent, stretch by
-- stretch: ready for contacts, holding at least one chat, holding at least one email (a stretch ends when one of the
-- three changes). Keyed by the agent's username and the stretch's start, so a replayed journal writes nothing twice.
CREATE TABLE agent_media (
    agent    VARCHAR(255) NOT NULL,
    ready    BOOLEAN      NOT NULL,
    chat     BOOLEAN      NOT NULL,
    email    BOOLEAN      NOT NULL,
    start_ms BIGINT       NOT NULL,
    end_ms   BIGINT       NOT NULL,
    CONSTRAINT pk_agent_media PRIMARY KEY (agent, start_ms)
);
CREATE INDEX ix_agent_media_end ON agent_media (end_ms);

-- Per 15-minute interval and agent (the interface of its calls when the user has one, as interval_agent): staffed
-- time on any medium (ready for contacts, or available, ringing, on a call or in wrap-up for calls), the time busy on
-- any medium (holding a chat or an email, on a call or in wrap-up: counted once however many at once), and the time
-- holding at least one chat, one email. Recomputed with the interval's other rows.
CREATE TABLE interval_occupancy (
    interval_ms BIGINT       NOT NULL,
    pbx         VARCHAR(64)  NOT NULL,
    agent       VARCHAR(255) NOT NULL,
    staffed_ms  BIGINT       NOT NULL,
    busy_any_ms BIGINT       NOT NULL,
    chat_ms     BIGINT       NOT NULL,
    email_ms    BIGINT       NOT NULL,
    CONSTRAINT pk_interval_occupancy PRIMARY KEY (interval_ms, pbx, agent)
);
CREATE INDEX ix_interval_occupancy_agent ON interval_occupancy (agent, interval_ms);
