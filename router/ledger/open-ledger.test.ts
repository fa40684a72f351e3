import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { ConfigError } from "../../core/errors.js";
import { describeTarget, ledgerTarget } from "./open-ledger.js";

const URL_A = "postgres://tierlab:s3cret@db.internal:5432/a";

describe("which ledger a command uses", () => {
  it("--ledger, then TIERLAB_DATABASE_URL, then ledger.url, then ledger.path", () => {
    const fx = writeTestConfig((d) => (d.ledger = { path: "ledger.sqlite", url: "postgresql://cfg@h/db" }));
    const config = fx.load();
    expect(ledgerTarget(config, "/tmp/x.sqlite", { TIERLAB_DATABASE_URL: URL_A })).toEqual({ backend: "sqlite", path: "/tmp/x.sqlite" });
    expect(ledgerTarget(config, undefined, { TIERLAB_DATABASE_URL: URL_A })).toEqual({ backend: "postgres", url: URL_A });
    expect(ledgerTarget(config, undefined, {})).toEqual({ backend: "postgres", url: "postgresql://cfg@h/db" });
    const plain = writeTestConfig().load();
    expect(ledgerTarget(plain, undefined, {})).toEqual({ backend: "sqlite", path: join(plain.dir, "ledger.sqlite") });
  });

  it("never shows the password; a TIERLAB_DATABASE_URL that is not a postgres URL is refused, not ignored", () => {
    expect(describeTarget({ backend: "postgres", url: URL_A })).toBe("postgres://tierlab:***@db.internal:5432/a");
    const config = writeTestConfig().load();
    const err = (() => {
      try {
        ledgerTarget(config, undefined, { TIERLAB_DATABASE_URL: "mysql://u:pw@h/db" });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe('TIERLAB_DATABASE_URL: "mysql://u:***@h/db" is not a postgres:// or postgresql:// URL');
  });

  it("a config's ledger.url must be a postgres URL, reported at its line", () => {
    const fx = writeTestConfig((d) => (d.ledger = { url: "mysql://h/db" }));
    expect(() => fx.load()).toThrow(/router\.yaml:\d+: ledger\.url: must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });
});
