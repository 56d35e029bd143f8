import assert from "node:assert/strict";
import { followLog, HpaSyncAssembler, type LoggedSync } from "./kcm_hpa_log.ts";

// Lines as kube-controller-manager v1.36.3 writes them (--vmodule=horizontal=4), two HPAs
// interleaved, plus lines of other kinds.
const METRIC =
  `metric="external metric s0-prometheus(&LabelSelector{MatchLabels:map[string]string{scaledobject.keda.sh/name: a,},MatchExpressions:[]LabelSelectorRequirement{},})" tolerances="[down:10.0%, up:10.0%]" timestamp="2026-12-03 20:07:13 +0000 UTC"`;
const LOG = [
  `I1203 20:07:13.900090    5545 horizontal.go:907] "Proposing desired replicas" desiredReplicas=8 ${METRIC} scaleTarget="Deployment/ns/a"`,
  `I1203 20:07:13.901000    5545 horizontal.go:907] "Proposing desired replicas" desiredReplicas=1 ${METRIC} scaleTarget="Deployment/ns/b"`,
  `I1203 20:07:13.907546    5545 horizontal.go:981] "Successfully rescaled" HPA="ns/keda-hpa-a" currentReplicas=1 desiredReplicas=4 reason="external metric s0-prometheus(&LabelSelector{}) above target"`,
  `I1203 20:07:13.908000    5545 horizontal.go:1008] "Decided not to scale" scaleTarget="Deployment/ns/b" desiredReplicas=1 lastScaleTime=""`,
  `I1203 20:07:13.913853    5545 horizontal.go:1507] "Successfully updated status" HPA="ns/keda-hpa-a"`,
  `I1203 20:07:16.300000    5545 horizontal.go:1008] "Decided not to scale" scaleTarget="Deployment/ns/c" desiredReplicas=0 lastScaleTime=""`,
  `E1203 20:07:17.000000    5545 horizontal.go:1] "something else" scaleTarget="Deployment/ns/a"`,
  `not a klog line`,
];

Deno.test("HpaSyncAssembler turns kube-controller-manager's HPA lines into syncs", () => {
  const a = new HpaSyncAssembler((hpa) => `Deployment/ns/${hpa.replace(/^ns\/keda-hpa-/, "")}`);
  const syncs: LoggedSync[] = LOG.flatMap((l) => a.push(l));
  assert.deepEqual(syncs, [
    {
      target: "Deployment/ns/a",
      time: "20:07:13.900090",
      dayMs: 72_433_900,
      proposed: 8,
      replicas: 4,
      rescaled: true,
    },
    {
      target: "Deployment/ns/b",
      time: "20:07:13.901000",
      dayMs: 72_433_901,
      proposed: 1,
      replicas: 1,
      rescaled: false,
    },
    // Scaling disabled at 0: no proposal, the decision line is the sync.
    {
      target: "Deployment/ns/c",
      time: "20:07:16.300000",
      dayMs: 72_436_300,
      replicas: 0,
      rescaled: false,
    },
  ]);
});

Deno.test("followLog() delivers appended lines, whole, from where the file ended", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/kcm.log`;
  await Deno.writeTextFile(path, "old line\n");
  const got: string[] = [];
  const f = followLog(path, (l) => got.push(l), 10);
  try {
    await Deno.writeTextFile(path, "first\nsec", { append: true });
    await new Promise((r) => setTimeout(r, 60));
    await Deno.writeTextFile(path, "ond\n", { append: true });
    await new Promise((r) => setTimeout(r, 60));
  } finally {
    await f.stop();
    await Deno.remove(dir, { recursive: true });
  }
  assert.deepEqual(got, ["first", "second"]);
});
