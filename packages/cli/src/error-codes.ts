/**
 * Every error code clearml-k8s prints, from the code lists each package exports (one line of
 * meaning per code), for the README's error table. The codes are
 * unique across packages: a code names one error class.
 */
import { RELEASE_CATALOG_ERROR_CODES } from '@clearml-k8s/base-manifests';
import { YAML_ERROR_CODES } from '@clearml-k8s/base-manifests/yaml';
import type { ErrorCodeTable } from '@clearml-k8s/diagnostics';
import { COMPOSER_ERROR_CODES, SITE_SPEC_ERROR_CODES } from '@clearml-k8s/overlay-composer';
import { REPOSITORY_IO_ERROR_CODES } from '@clearml-k8s/repository-io';
import { markdownCell, markdownTable, VERIFIER_ERROR_CODES } from '@clearml-k8s/verifier';
import { CLI_ERROR_CODES } from './cli-error.ts';
import { FALLBACK_ERROR_CODES } from './error-line.ts';

/** The code list of one error class. */
export interface ErrorCodeSource {
  /** The package that throws it. */
  package: string;
  /** The class, or a phrase for the CLI's own fallback lines. */
  error: string;
  codes: ErrorCodeTable;
}

/** Every error class's codes, lowest package first. */
export const ERROR_CODE_SOURCES: readonly ErrorCodeSource[] = [
  { package: '@clearml-k8s/repository-io', error: 'RepositoryIoError', codes: REPOSITORY_IO_ERROR_CODES },
  { package: '@clearml-k8s/base-manifests', error: 'ReleaseCatalogError', codes: RELEASE_CATALOG_ERROR_CODES },
  { package: '@clearml-k8s/base-manifests', error: 'YamlError', codes: YAML_ERROR_CODES },
  { package: '@clearml-k8s/overlay-composer', error: 'ComposerError', codes: COMPOSER_ERROR_CODES },
  { package: '@clearml-k8s/overlay-composer', error: 'SiteSpecError', codes: SITE_SPEC_ERROR_CODES },
  { package: '@clearml-k8s/verifier', error: 'VerifierError', codes: VERIFIER_ERROR_CODES },
  { package: '@clearml-k8s/cli', error: 'CliError', codes: CLI_ERROR_CODES },
  { package: '@clearml-k8s/cli', error: 'not a clearml-k8s error', codes: FALLBACK_ERROR_CODES },
];

/** Every code with its class and meaning, in `ERROR_CODE_SOURCES` order. */
export function errorCodes(sources: readonly ErrorCodeSource[] = ERROR_CODE_SOURCES): { code: string; package: string; error: string; meaning: string }[] {
  return sources.flatMap((s) => Object.entries(s.codes).map(([code, meaning]) => ({ code, package: s.package, error: s.error, meaning })));
}

/** The README's error table: `| code | thrown by | meaning |`, one row per code. */
export function errorTableMarkdown(sources: readonly ErrorCodeSource[] = ERROR_CODE_SOURCES): string {
  return markdownTable(['code', 'thrown by', 'meaning'], errorCodes(sources).map((e) => [`\`${e.code}\``, e.error.includes(' ') ? markdownCell(e.error) : `\`${e.error}\` (${e.package.replace('@clearml-k8s/', '')})`, markdownCell(e.meaning)]));
}
