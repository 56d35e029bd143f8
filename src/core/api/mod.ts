/**
 * wva's Kubernetes API surface, pure: the `llmd.ai/v1alpha1` VariantAutoscaling schemas and
 * conditions (v1alpha1.ts), the generated CRD (crd.ts), the controller's ConfigMaps
 * (configmaps/), the accelerator resolution from a scale target's pod template (accelerator.ts)
 * and the config-dependent variant settings (variant_settings.ts). No I/O anywhere here.
 *
 * @module
 */
export * from "./v1alpha1.ts";
export * from "./configmaps/mod.ts";
export * from "./accelerator.ts";
export * from "./variant_settings.ts";
export { buildCrd, CRD_NAME, PRINTER_COLUMNS, type PrinterColumn, renderCrdYaml } from "./crd.ts";
