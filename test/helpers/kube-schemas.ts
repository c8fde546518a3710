import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy, Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import type { KubeObject } from './kustomize.js';

/**
 * The kinds umbral's manifests may contain, each with the model whose `validate()` checks an object
 * against the Kubernetes OpenAPI schema (kubernetes-models) or the prometheus-operator CRD's schema
 * (@kubernetes-models/prometheus-operator). A kind missing here fails the test: add its model.
 */
const MODELS: Readonly<Record<string, new (data: never) => { validate(): void }>> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/** What is wrong with `object` by its schema (empty when it is valid). */
export function schemaProblems(object: KubeObject): string[] {
  const type = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[type];
  if (!Model) return [`${type} ${object.metadata.name}: no schema known for this kind`];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [`${type} ${object.metadata.name}: ${(error as Error).message}`];
  }
}
