import { FaultProfile, FaultScope } from './fault-profile';
import { mulberry32 } from './prng';

export type FaultOutcome = 'none' | 'timeout' | 'dropAfterAct' | number;

export interface FaultDecision {
  latencyMs: number;
  /** A number is an HTTP status to answer with instead of doing the work. */
  outcome: FaultOutcome;
}

/** Rolls the fault dice for each in-scope request, from a seeded PRNG so runs can be replayed. */
export class FaultInjector {
  private profile: FaultProfile | null = null;
  private random: () => number = mulberry32(0);
  private scopes = new Set<FaultScope>();
  private expireNextRemaining = 0;

  configure(profile: FaultProfile): void {
    this.profile = profile;
    this.random = mulberry32(profile.seed);
    this.scopes = new Set(profile.apis);
    this.expireNextRemaining = profile.tokenExpiry?.expireNext ?? 0;
  }

  clear(): void {
    this.profile = null;
    this.scopes.clear();
    this.expireNextRemaining = 0;
  }

  current(): FaultProfile | null {
    return this.profile;
  }

  /**
   * null when no fault applies. Every in-scope request reads exactly three numbers from the PRNG,
   * whatever the profile contains, so the sequence depends only on the order of requests.
   */
  decide(scope: FaultScope): FaultDecision | null {
    const profile = this.profile;
    if (profile === null || !this.scopes.has(scope)) return null;
    const roll = this.random();
    const u1 = this.random();
    const u2 = this.random();
    return { latencyMs: latencyFrom(profile, u1, u2), outcome: outcomeFrom(profile, roll) };
  }

  /** True when the token on this request must be treated as expired (expireNext counts down). */
  consumeTokenExpiry(scope: FaultScope): boolean {
    if (this.expireNextRemaining <= 0 || !this.scopes.has(scope)) return false;
    this.expireNextRemaining--;
    return true;
  }

  tokenTtlOverride(): number | undefined {
    return this.profile?.tokenExpiry?.ttlSeconds;
  }
}

function outcomeFrom(profile: FaultProfile, roll: number): FaultOutcome {
  let edge = 0;
  for (const [status, rate] of profile.errorRates) {
    edge += rate;
    if (roll < edge) return status;
  }
  edge += profile.timeoutRate;
  if (roll < edge) return 'timeout';
  edge += profile.dropAfterActRate;
  if (roll < edge) return 'dropAfterAct';
  return 'none';
}

function latencyFrom(profile: FaultProfile, u1: number, u2: number): number {
  const spec = profile.latency;
  if (spec === undefined) return 0;
  if ('fixedMs' in spec) return spec.fixedMs;
  if ('uniform' in spec) return spec.uniform.min + u1 * (spec.uniform.max - spec.uniform.min);
  // Box-Muller; clamp at zero since a negative delay means "no delay".
  const z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  return Math.max(0, spec.normal.mean + spec.normal.stddev * z);
}
