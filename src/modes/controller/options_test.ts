import assert from "node:assert/strict";
import { ConfigError } from "../../core/util/validate.ts";
import { configFromFlags } from "./flags.ts";
import { configFromEnv, parseAddr, resolveControllerConfig } from "./options.ts";

Deno.test("resolveControllerConfig() layers file < env < flags", async (t) => {
  await t.step("defaults and precedence", () => {
    const c = resolveControllerConfig([
      { prometheusUrl: "http://file:9090", intervalMs: "10s", analyzer: "saturation-v2" },
      configFromEnv({
        PROMETHEUS_BASE_URL: "http://env:9090",
        GLOBAL_OPT_INTERVAL: "20s",
        LEADER_ELECT: "true",
      }),
      configFromFlags({ interval: "5s", "direct-scale": true }),
    ]);
    assert.equal(c.prometheusUrl, "http://env:9090");
    assert.equal(c.intervalMs, 5000);
    assert.equal(c.analyzer, "saturation-v2");
    assert.equal(c.leaderElect, true);
    assert.equal(c.directScale, true);
    assert.equal(c.staleAfterMs, 60_000);
    assert.equal(c.leaseDurationMs, 15_000);
    assert.equal(c.metricsAddr, ":8080");
  });
  await t.step("every problem is listed with its field", () => {
    try {
      resolveControllerConfig([{ intervalMs: "fast", analyzer: "magic", renewDeadlineMs: "20s" }]);
      assert.fail("expected a ConfigError");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const text = err.problems.join("\n");
      assert.match(text, /prometheusUrl/);
      assert.match(text, /intervalMs: expected a duration/);
      assert.match(text, /analyzer/);
    }
  });
  await t.step("TLS options on an http URL are refused", () => {
    assert.throws(
      () => resolveControllerConfig([{ prometheusUrl: "http://p", prometheusCaFile: "/ca.pem" }]),
      /TLS options given but the URL is http/,
    );
  });
});

Deno.test("parseAddr() splits host and port", () => {
  assert.deepEqual(parseAddr(":8080"), { hostname: "0.0.0.0", port: 8080 });
  assert.deepEqual(parseAddr("127.0.0.1:0"), { hostname: "127.0.0.1", port: 0 });
  assert.deepEqual(parseAddr("[::1]:9"), { hostname: "::1", port: 9 });
});
