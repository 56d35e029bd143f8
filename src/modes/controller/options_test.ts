import assert from "node:assert/strict";
import { ConfigError } from "../../core/util/validate.ts";
import { resolveConfig } from "../../runtime/config/resolve.ts";
import { CONTROLLER_CONFIG } from "./flags.ts";
import { parseAddr, resolveControllerConfig } from "./options.ts";

function problemsOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.join("\n");
  }
  assert.fail("expected a ConfigError");
}

Deno.test("controller config layers file < env < flags", async (t) => {
  await t.step("defaults and precedence", () => {
    const c = resolveConfig(CONTROLLER_CONFIG, {
      file: {
        name: "ctrl.yaml",
        content: {
          prometheusUrl: "http://file:9090",
          intervalMs: "10s",
          analyzer: "saturation-v2",
        },
      },
      env: {
        PROMETHEUS_BASE_URL: "http://env:9090",
        GLOBAL_OPT_INTERVAL: "20s",
        LEADER_ELECT: "true",
      },
      flags: { interval: "5s", "direct-scale": true },
    });
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
    const text = problemsOf(() =>
      resolveControllerConfig({ intervalMs: "fast", analyzer: "magic", renewDeadlineMs: "20s" })
    );
    assert.match(text, /prometheusUrl/);
    assert.match(text, /intervalMs: expected a duration/);
    assert.match(text, /analyzer/);
  });
  await t.step("a bad flag or variable is named with its value", () => {
    const text = problemsOf(() =>
      resolveConfig(CONTROLLER_CONFIG, {
        env: { PROMETHEUS_BASE_URL: "http://p", WVA_ANALYZER: "magic", LEADER_ELECT: "maybe" },
        flags: { interval: "soon" },
      })
    );
    assert.match(text, /^--interval: intervalMs: expected a duration .*\(got "soon"\)$/m);
    assert.match(text, /^WVA_ANALYZER: analyzer: .*\(got "magic"\)$/m);
    assert.match(text, /^LEADER_ELECT: expected true or false \(got "maybe"\)$/m);
  });
  await t.step("a missing Prometheus URL names its flag", () => {
    const text = problemsOf(() => resolveConfig(CONTROLLER_CONFIG, { flags: {} }));
    assert.match(text, /^--prometheus-url: .*\(missing\)$/m);
  });
  await t.step("TLS options on an http URL are refused", () => {
    assert.throws(
      () => resolveControllerConfig({ prometheusUrl: "http://p", prometheusCaFile: "/ca.pem" }),
      /TLS options given but the URL is http/,
    );
  });
});

Deno.test("parseAddr() splits host and port", () => {
  assert.deepEqual(parseAddr(":8080"), { hostname: "0.0.0.0", port: 8080 });
  assert.deepEqual(parseAddr("127.0.0.1:0"), { hostname: "127.0.0.1", port: 0 });
  assert.deepEqual(parseAddr("[::1]:9"), { hostname: "::1", port: 9 });
});
