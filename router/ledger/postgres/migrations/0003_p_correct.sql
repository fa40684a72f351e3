-- The learned scorer's P(correct) of an answer (issue 12), beside the self-check `confidence`;
-- null where no scorer judged the answer (older rows, self-check cells, API answers).
ALTER TABLE calls ADD COLUMN p_correct double precision;
