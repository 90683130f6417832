/**
 * Check `mongodb-settings`: the bundled MongoDB listens where the server can reach it and its cache
 * fits its memory limit.
 *
 * For each running container that is the model's MongoDB (`componentOfContainer`), reading its
 * `command` and `args` (`--opt value` and `--opt=value`):
 * - **bind address**: `mongod` alone listens on localhost only; the official image adds
 *   `--bind_ip_all` unless the arguments or the `--config` file name a bind address
 *   (docker-library/mongo@b7ab44b:7.0/docker-entrypoint.sh:403-413). A `--bind_ip` that lists only
 *   loopback addresses (`127.0.0.1`, `localhost`, `::1`) therefore keeps every other pod out: the
 *   apiserver cannot connect (https://www.mongodb.com/docs/manual/reference/program/mongod/#std-option-mongod.--bind_ip).
 *   A config file's `net.bindIp` is not read (it is not in the build unless a ConfigMap, and rare).
 * - **WiredTiger cache**: `--wiredTigerCacheSizeGB` at or above the container's memory limit leaves
 *   nothing for the connections, the query engine and the file system cache; mongod is OOM-killed
 *   once the cache fills. Unset is fine: the default is 50% of (RAM − 1 GB), or 256 MB, and in a
 *   container MongoDB takes the memory limit as the RAM
 *   (https://www.mongodb.com/docs/manual/reference/configuration-options/#mongodb-setting-storage.wiredTiger.engineConfig.cacheSizeGB).
 * An external MongoDB (no container in the build) is not checked.
 */
import { objectId, STACK_MODEL, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { formatBytes, quantityValue } from '@clearml-k8s/base-manifests';
import { defineCheck } from './definition.ts';
import { stackContainers } from './stack-containers.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

type Finding = CheckFinding<'mongodb-settings'>;

/** The value of option `name` in a command line (`--name value` or `--name=value`; the last wins) with the JSON pointer of the item, or null. */
function optionValue(container: any, path: string, name: string): { value: string; path: string } | null {
  let found: { value: string; path: string } | null = null;
  for (const list of ['command', 'args'] as const) {
    const items: unknown[] = Array.isArray(container?.[list]) ? container[list] : [];
    items.forEach((item, i) => {
      if (typeof item !== 'string') return;
      if (item.startsWith(`${name}=`)) found = { value: item.slice(name.length + 1), path: `${path}/${list}/${i}` };
      else if (item === name && typeof items[i + 1] === 'string') found = { value: items[i + 1] as string, path: `${path}/${list}/${i + 1}` };
    });
  }
  return found;
}

const hasFlag = (container: any, name: string): boolean => ['command', 'args'].some((l) => Array.isArray(container?.[l]) && container[l].includes(name));

/** Findings of `mongodb-settings` over a build. Never throws. */
export function checkMongodbSettings(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): Finding[] {
  const findings: Finding[] = [];
  for (const { template, container, path, spec } of stackContainers(objects, catalog, model).filter((c) => c.spec.key === 'mongodb')) {
    const finding = (at: string, message: string, hint: string) => findings.push({ check: 'mongodb-settings', resource: objectId(template.owner), path: at, message, hint });
    const bind = optionValue(container, path, '--bind_ip');
    if (bind && !hasFlag(container, '--bind_ip_all')) {
      const addresses = bind.value.split(',').map((a) => a.trim()).filter(Boolean);
      if (addresses.length > 0 && addresses.every((a) => LOOPBACK.has(a))) {
        finding(
          bind.path,
          `${spec.name} binds only ${bind.value} (--bind_ip), so no other pod can connect and the apiserver never reaches its database (https://www.mongodb.com/docs/manual/reference/program/mongod/#std-option-mongod.--bind_ip)`,
          'drop --bind_ip (the official image then binds all addresses: docker-library/mongo@b7ab44b:7.0/docker-entrypoint.sh:403-413) or use --bind_ip_all',
        );
      }
    }
    const cache = optionValue(container, path, '--wiredTigerCacheSizeGB');
    const limitText = container?.resources?.limits?.memory;
    const limit = quantityValue(limitText);
    const cacheGb = cache ? Number(cache.value) : NaN;
    if (cache && limit !== null && Number.isFinite(cacheGb) && cacheGb * 2 ** 30 >= limit) {
      finding(
        cache.path,
        `${spec.name}'s WiredTiger cache (--wiredTigerCacheSizeGB ${cache.value}: ${formatBytes(cacheGb * 2 ** 30)}) is at least its memory limit ${limitText} (${formatBytes(limit)}); mongod needs memory beside the cache and is OOM-killed once the cache fills (https://www.mongodb.com/docs/manual/reference/configuration-options/#mongodb-setting-storage.wiredTiger.engineConfig.cacheSizeGB)`,
        `drop --wiredTigerCacheSizeGB (the default, 50% of (limit − 1 GB), follows the limit) or set it to at most half of ${formatBytes(limit)}`,
      );
    }
  }
  return findings;
}

export const mongodbSettingsCheck = defineCheck({
  id: 'mongodb-settings',
  severity: 'error',
  title: 'the bundled MongoDB listens beyond localhost and its WiredTiger cache fits its memory limit',
  description:
    'the model\'s MongoDB container does not restrict `--bind_ip` to loopback addresses (the official image binds all by default; localhost-only keeps the apiserver out), and an explicit `--wiredTigerCacheSizeGB` is below its memory limit',
  needs: 'build',
  run: ({ objects, catalog }) => checkMongodbSettings(objects, catalog),
});
