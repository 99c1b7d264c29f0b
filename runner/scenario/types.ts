/** A loaded, checked scenario, in the shape the engine runs. */
import type { Capability } from '../core/contracts.js';
import type { ResolvedParam } from './params.js';

export type Trigger = { afterMs: number } | { workload: string; progress: number };

export interface GatePlan {
  name: string;
  probe: string;
  spec: unknown;
  mode: 'once' | 'within' | 'during';
  /** the gate passes when the probe observes a failure (e.g. "the probe catches the divergence") */
  expectFail: boolean;
  /** within: the bound */
  boundMs?: number;
  /** within: measured from the end of the step with this id instead of the gate's start */
  since?: string;
  /** during */
  windowMs?: number;
  min?: number;
  everyMs?: number;
}

interface StepBase {
  index: number;
  /** one line for plans, the console and the record */
  title: string;
  when?: Trigger;
}

export type Step = StepBase &
  (
    | { type: 'gate'; gate: GatePlan }
    | { type: 'fault'; id: string; kind: string; spec: unknown }
    | { type: 'revert'; target: string }
    | { type: 'wait'; ms: number }
    | { type: 'action'; name: string; run: string; timeoutMs: number; exit: number }
  );

export interface WorkloadPlan {
  name: string;
  kind: string;
  spec: unknown;
}

export interface Scenario {
  file: string;
  name: string;
  description?: string;
  labels: Record<string, string>;
  /** declared plus implied by the faults, probes and workloads used */
  requires: Capability[];
  repeat: number;
  timeoutMs: number;
  continueOnFailure: boolean;
  workloads: WorkloadPlan[];
  steps: Step[];
  /** spec.params with the values in effect and where each came from */
  params?: Record<string, ResolvedParam>;
}
