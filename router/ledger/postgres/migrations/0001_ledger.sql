-- The ledger: one row per attempt, the columns of router/contracts/ledger-record.ts.
-- ts stays the record's ISO-8601 UTC text (as in SQLite): it sorts in time order and every reader
-- gets back exactly the bytes that were written.
-- (request_id, attempt) is unique: a batch whose COMMIT reply was lost (connection cut, server
-- restart) is sent again with ON CONFLICT DO NOTHING, so a retry never doubles a row.
CREATE TABLE calls (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  version integer NOT NULL,
  ts text NOT NULL,
  request_id text NOT NULL,
  action text NOT NULL,
  tier text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  attempt integer NOT NULL,
  input_tokens integer,
  output_tokens integer,
  cost_usd double precision NOT NULL,
  latency_ms double precision NOT NULL,
  ttft_ms double precision,
  confidence double precision,
  checks text,
  verdict text NOT NULL,
  escalated_from text,
  error_class text,
  tag text,
  cache_hit boolean NOT NULL,
  prompt text,
  answer text,
  CONSTRAINT calls_attempt_once UNIQUE (request_id, attempt)
);
CREATE INDEX calls_ts ON calls (ts);
