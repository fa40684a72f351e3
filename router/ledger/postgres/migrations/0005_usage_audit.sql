-- Why an attempt's tokens are not simply what the provider reported (router/contracts/ledger-record.ts):
-- usage clamped to the request's worst case, or counted by a tokenizer after a failed stream. JSON text.
ALTER TABLE calls ADD COLUMN usage_audit text;
