import assert from "node:assert/strict";
import { type ContainerReport, endpointPatch, type PodLike, statusPatch } from "./status.ts";

const NOW = "2026-01-01T00:00:10Z";
const BEFORE = "2026-01-01T00:00:00Z";

/** A pod as kwok leaves it with --pod-runner: Running, containers started but not ready. */
function kwokPod(containers = ["vllm"]): PodLike {
  return {
    spec: { containers: containers.map((name) => ({ name, image: "wva:dev" })) },
    status: {
      conditions: [
        { type: "Ready", status: "False", lastTransitionTime: BEFORE },
        { type: "ContainersReady", status: "False", lastTransitionTime: BEFORE },
        { type: "PodScheduled", status: "True", lastTransitionTime: BEFORE },
      ],
      containerStatuses: containers.map((name) => ({
        name,
        ready: false,
        restartCount: 0,
        state: { running: { startedAt: BEFORE } },
      })),
    },
  };
}

/** The pod after the patch was applied (conditions merged by type, statuses replaced). */
function applied(pod: PodLike, patch: Record<string, unknown>): PodLike {
  const status = patch.status as {
    conditions: { type: string; status: string; lastTransitionTime: string }[];
    containerStatuses: { name: string; ready: boolean; restartCount: number; state: object }[];
  };
  const others = (pod.status?.conditions ?? []).filter((c) =>
    !status.conditions.some((n) => n.type === c.type)
  );
  return {
    ...pod,
    status: {
      conditions: [...others, ...status.conditions],
      containerStatuses: status.containerStatuses,
    },
  };
}

const running: ContainerReport = {
  ready: true,
  restartCount: 0,
  state: { running: { startedAt: BEFORE } },
  containerID: "emulator://42",
};

Deno.test("statusPatch() reports a container the way a kubelet does", async (t) => {
  await t.step("ready: both conditions True from now, the container ready, reason cleared", () => {
    const patch = statusPatch(kwokPod(), running, NOW)!;
    assert.deepEqual(patch, {
      status: {
        conditions: [
          { type: "Ready", status: "True", lastTransitionTime: NOW, reason: null, message: null },
          {
            type: "ContainersReady",
            status: "True",
            lastTransitionTime: NOW,
            reason: null,
            message: null,
          },
        ],
        containerStatuses: [{
          name: "vllm",
          image: "wva:dev",
          imageID: "",
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: BEFORE } },
          lastState: {},
          containerID: "emulator://42",
        }],
      },
    });
  });
  await t.step("nothing to write once the pod shows it", () => {
    const pod = applied(kwokPod(), statusPatch(kwokPod(), running, NOW)!);
    assert.equal(statusPatch(pod, running, NOW), undefined);
  });
  await t.step("not ready while loading: kwok's pod already shows it", () => {
    const loading = { ...running, ready: false };
    assert.equal(statusPatch(kwokPod(), loading, NOW), undefined);
  });
  await t.step("an unchanged condition keeps its lastTransitionTime", () => {
    const crashed: ContainerReport = {
      ready: false,
      restartCount: 1,
      state: { waiting: { reason: "CrashLoopBackOff" } },
    };
    const patch = statusPatch(kwokPod(), crashed, NOW) as {
      status: { conditions: { lastTransitionTime: string; reason: string }[] };
    };
    assert.deepEqual(patch.status.conditions.map((c) => c.lastTransitionTime), [BEFORE, BEFORE]);
    assert.equal(patch.status.conditions[0]!.reason, "ContainersNotReady");
  });
  await t.step("a restart or a new state is a change", () => {
    const pod = applied(kwokPod(), statusPatch(kwokPod(), running, NOW)!);
    assert.notEqual(statusPatch(pod, { ...running, restartCount: 1 }, NOW), undefined);
    const waiting: ContainerReport = { ...running, state: { waiting: { reason: "X" } } };
    assert.notEqual(statusPatch(pod, waiting, NOW), undefined);
  });
  await t.step("a sidecar is reported running and ready with the emulator", () => {
    const patch = statusPatch(kwokPod(["vllm", "proxy"]), running, NOW) as {
      status: { containerStatuses: { name: string; ready: boolean; state: object }[] };
    };
    assert.deepEqual(
      patch.status.containerStatuses.map((s) => [s.name, s.ready, Object.keys(s.state)[0]]),
      [["vllm", true, "running"], ["proxy", true, "running"]],
    );
  });
});

Deno.test("endpointPatch() sets the annotation once", () => {
  const patch = endpointPatch(kwokPod(), "127.0.0.1:4000");
  assert.deepEqual(patch, {
    metadata: { annotations: { "wva.llmd.ai/endpoint": "127.0.0.1:4000" } },
  });
  const pod = {
    ...kwokPod(),
    metadata: { annotations: { "wva.llmd.ai/endpoint": "127.0.0.1:4000" } },
  };
  assert.equal(endpointPatch(pod, "127.0.0.1:4000"), undefined);
  assert.notEqual(endpointPatch(pod, "127.0.0.1:4001"), undefined);
});
