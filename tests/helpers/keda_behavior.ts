/**
 * The HPA behaviour the KEDA tests give their ScaledObjects: up by 4 pods at once, down to any
 * count after `downWindowSec` — so a test sees each published value reach the Deployment within
 * one or two HPA syncs instead of the sample's 120 s window.
 */
export function fastHpaBehavior(downWindowSec = 0) {
  return {
    horizontalPodAutoscalerConfig: {
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          policies: [{ type: "Pods", value: 4, periodSeconds: 15 }],
        },
        scaleDown: {
          stabilizationWindowSeconds: downWindowSec,
          policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
        },
      },
    },
  };
}
