-- Production learning and the batch tier (router/production/records.ts is the contract):
-- shadow checks, feedback, threshold changes made by the drift alarm, and the batch queue.
CREATE TABLE shadow_checks (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts text NOT NULL, request_id text NOT NULL, action text NOT NULL, tier text NOT NULL, model text NOT NULL,
  confidence double precision, shadow_tier text NOT NULL, shadow_model text NOT NULL, agree boolean,
  local_answer text, shadow_answer text, reason text NOT NULL, local_text text, shadow_text text,
  input_tokens integer, output_tokens integer, cost_usd double precision NOT NULL, latency_ms double precision NOT NULL, error_class text
);
CREATE INDEX shadow_checks_ts ON shadow_checks (ts);

CREATE TABLE feedback (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts text NOT NULL, request_id text NOT NULL, action text NOT NULL, tier text NOT NULL, model text NOT NULL,
  "right" boolean NOT NULL, note text, source text NOT NULL
);
CREATE INDEX feedback_ts ON feedback (ts);

CREATE TABLE threshold_changes (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts text NOT NULL, action text NOT NULL, tier text NOT NULL, old_threshold double precision NOT NULL,
  new_threshold double precision NOT NULL, reason text NOT NULL, error_lower double precision NOT NULL,
  error_upper double precision NOT NULL, samples integer NOT NULL
);

CREATE TABLE batch_items (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id text NOT NULL UNIQUE, ts text NOT NULL, action text NOT NULL, tag text, tier text NOT NULL, model text NOT NULL,
  provider text NOT NULL, model_name text NOT NULL, attempt integer NOT NULL, escalated_from text, request text NOT NULL,
  state text NOT NULL, batch_id text, submissions integer NOT NULL, submitted_at text, finished_at text,
  answer text, verdict text, confidence double precision, cost_usd double precision, error text
);
CREATE INDEX batch_items_state ON batch_items (state);

CREATE TABLE batches (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  batch_id text NOT NULL UNIQUE, provider text NOT NULL, kind text NOT NULL, model text NOT NULL, state text NOT NULL,
  requests integer NOT NULL, submitted_at text NOT NULL, ended_at text
);
