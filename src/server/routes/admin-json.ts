import { modelStatus, type HostedModel } from '../../inference/model-host.js';
import type { AuditEntry, ModelRecord, VersionRecord } from '../../registry/registry.js';

/** The admin API's JSON shapes (docs/reference/http.md, "Admin: model registry"). */
export function modelJson(model: ModelRecord, hosted: HostedModel | undefined) {
  return {
    name: model.name,
    description: model.description,
    createdBy: model.createdBy,
    createdAt: model.createdAt.toISOString(),
    aliases: model.aliases,
    latestVersion: model.latestVersion,
    serving: { version: hosted?.defaultVersion ?? null, status: hosted ? modelStatus(hosted) : 'not loaded' },
  };
}

export function versionJson(version: VersionRecord) {
  return {
    model: version.model,
    version: version.version,
    sha256: version.artifactSha256,
    size: version.artifactSize,
    manifest: version.manifest,
    tags: version.tags,
    createdBy: version.createdBy,
    createdAt: version.createdAt.toISOString(),
  };
}

export function auditJson(entry: AuditEntry) {
  return {
    id: entry.id, actor: entry.actor, at: entry.at.toISOString(), action: entry.action,
    subject: entry.subject, from: entry.from, to: entry.to, ...(entry.detail ? { detail: entry.detail } : {}),
  };
}
