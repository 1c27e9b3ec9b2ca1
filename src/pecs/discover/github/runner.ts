/**
 * `runs-on:` of a GitHub Actions job: runner labels and the PECS runner class.
 *
 * @module
 */
import type { DiscoveredJob } from '../types.ts';
import { asRecord, asText, asTextList, sortedUnique } from '../values.ts';

// GitHub-hosted images: a fresh VM per job.
const HOSTED = /^(?:ubuntu|windows|macos)-(?:latest|\d[\w.-]*)$/i;

/**
 * Labels and class of `runs-on` (string, list, or `{ group, labels }`). Self-hosted runners
 * persist between jobs (`self-hosted-static`); GitHub-hosted ones are `ephemeral`; a runner
 * group is `dedicated`; expressions and unknown labels are `other`.
 *
 * @example
 * ```ts
 * runnerOf(['self-hosted', 'linux']); // { labels: ['linux', 'self-hosted'], runnerClass: 'self-hosted-static' }
 * runnerOf('ubuntu-latest').runnerClass; // 'ephemeral'
 * ```
 */
export function runnerOf(runsOn: unknown): { labels: string[]; runnerClass: DiscoveredJob['runnerClass'] } {
  const map = asRecord(runsOn);
  const group = map ? asText(map.group) : null;
  const labels = sortedUnique([...(map ? asTextList(map.labels) : asTextList(runsOn)), ...(group ? [`group:${group}`] : [])]);
  if (labels.some((l) => l.toLowerCase() === 'self-hosted')) return { labels, runnerClass: 'self-hosted-static' };
  if (group) return { labels, runnerClass: 'dedicated' };
  if (labels.length > 0 && labels.every((l) => HOSTED.test(l))) return { labels, runnerClass: 'ephemeral' };
  return { labels, runnerClass: 'other' };
}
