export const ACTION_TYPES = [
  'run_job',
  'submit_run',
  'register_model',
  'set_alias',
  'transition_stage',
  'tag_run',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** 1-based line and column in the plan's YAML text. */
export interface SourcePosition {
  line: number;
  col: number;
}

/** One action of the plan, schema-valid, with templates not yet rendered. */
export interface PlannedAction {
  /** 1-based position in the flattened plan (parallel members counted in order). */
  index: number;
  id?: string;
  type: ActionType;
  /** The action's body (the value under its action key). */
  spec: Record<string, unknown>;
  position: SourcePosition;
  /** Plan-item index (0-based) of the parallel group holding it, when it is in one. */
  group?: number;
  /** Ids of earlier actions whose outputs this action's templates reference. */
  dependsOn: readonly string[];
}

export type PlanItem =
  | { kind: 'single'; action: PlannedAction }
  | {
      kind: 'parallel';
      actions: PlannedAction[];
      maxConcurrency: number;
      failFast: boolean;
      position: SourcePosition;
    };

/** The validated plan: items in order, and every action flattened. */
export interface Plan {
  items: PlanItem[];
  actions: PlannedAction[];
  /** `ACTIONS` or the ACTIONS_FILE path, for messages. */
  source: string;
}
