/**
 * The gateway's endpoint discovery on Kubernetes: one Service per model (annotation
 * `llm-d.ai/model-id`), its EndpointSlices for readiness, the pods' `wva.llmd.ai/endpoint`
 * annotation (the pod runner's loopback address) or the slice address for the URL. See
 * docs/gateway.md ("Endpoint discovery").
 *
 * @module
 */
export { type KubeEndpoints, type KubeEndpointsOptions, startKubeEndpoints } from "./source.ts";
export {
  type EndpointView,
  endpointView,
  POD_ENDPOINT_ANNOTATION,
  projectPod,
  projectService,
  projectSlice,
  SERVICE_MODEL_ANNOTATION,
  SERVICE_NAME_LABEL,
  VARIANT_LABEL,
} from "./view.ts";
