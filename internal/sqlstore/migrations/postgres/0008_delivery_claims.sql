-- claimed_ms marks a delivery taken by a dispatcher and not yet answered
-- (0 otherwise), so that a store with a single node can hand back the claims
-- of a process that died mid-send as soon as it restarts, instead of waiting
-- out the lease.
ALTER TABLE deliveries ADD COLUMN claimed_ms BIGINT NOT NULL DEFAULT 0;
