/**
 * Where the time of an Update goes, read from the workflow's own history: between
 * UpdateAccepted and UpdateCompleted, time spent in workflow tasks (queue wait and worker
 * processing) and in each activity type (schedule to completion). Server timestamps, so it
 * is a measurement, not an estimate.
 */
import type { Client } from '@temporalio/client';

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

export interface UpdateProfile {
  totalMs: number;
  workflowTaskQueueMs: number;
  workflowTaskRunMs: number;
  activities: Record<string, { count: number; ms: number; inputBytes: number }>;
  workflowTasks: number;
  /** Child workflows: start requested → started, then started → the child's first signal back. */
  childStartMs: number;
  childReportMs: number;
}

const payloadBytes = (p: { payloads?: { data?: Uint8Array | null }[] | null } | null | undefined) => (p?.payloads ?? []).reduce((s, x) => s + (x.data?.length ?? 0), 0);

const ms = (e: HistoryEvent) => {
  const t = e.eventTime!;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
};

function localActivityType(bytes: Uint8Array | null | undefined): string {
  try {
    return (JSON.parse(Buffer.from(bytes ?? []).toString('utf8')) as { activity_type?: string }).activity_type ?? '?';
  } catch {
    return '?';
  }
}

/** Profiles every Update of the history (optionally only the ones after the first `skip`). */
export function profileUpdates(events: HistoryEvent[], skip = 0): UpdateProfile[] {
  const profiles: UpdateProfile[] = [];
  const accepted = events.map((e, i) => ({ e, i })).filter(({ e }) => e.workflowExecutionUpdateAcceptedEventAttributes);
  for (const { e: acc, i } of accepted.slice(skip)) {
    const updateId = acc.workflowExecutionUpdateAcceptedEventAttributes!.protocolInstanceId;
    const endIndex = events.findIndex((e, j) => j > i && e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId);
    if (endIndex < 0) continue;
    // The workflow task that ran the validator and accepted the Update belongs to it too.
    let begin = i;
    while (begin > 0 && !events[begin]!.workflowTaskScheduledEventAttributes) begin -= 1;
    const slice = events.slice(begin, endIndex + 1);
    const byId = new Map<number, HistoryEvent>(events.map((e) => [Number(e.eventId), e]));
    const profile: UpdateProfile = { totalMs: ms(events[endIndex]!) - ms(events[begin]!), workflowTaskQueueMs: 0, workflowTaskRunMs: 0, activities: {}, workflowTasks: 0, childStartMs: 0, childReportMs: 0 };
    for (const e of slice) {
      if (e.workflowTaskStartedEventAttributes) {
        const scheduled = byId.get(Number(e.workflowTaskStartedEventAttributes.scheduledEventId));
        if (scheduled) profile.workflowTaskQueueMs += ms(e) - ms(scheduled);
      }
      if (e.workflowTaskCompletedEventAttributes) {
        const started = byId.get(Number(e.workflowTaskCompletedEventAttributes.startedEventId));
        if (started) profile.workflowTaskRunMs += ms(e) - ms(started);
        profile.workflowTasks += 1;
      }
      if (e.activityTaskCompletedEventAttributes) {
        const scheduled = byId.get(Number(e.activityTaskCompletedEventAttributes.scheduledEventId));
        const name = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
        const entry = (profile.activities[name] ??= { count: 0, ms: 0, inputBytes: 0 });
        entry.count += 1;
        entry.inputBytes += payloadBytes(scheduled?.activityTaskScheduledEventAttributes?.input);
        if (scheduled) entry.ms += ms(e) - ms(scheduled);
      }
      // Local activities leave a marker, recorded with the workflow task that ran them (their time is
      // part of that task's running time; the marker's own timestamps are not comparable): counted only.
      const marker = e.markerRecordedEventAttributes;
      if (marker?.markerName === 'core_local_activity') {
        const entry = (profile.activities[`${localActivityType(marker.details?.data?.payloads?.[0]?.data)} (local)`] ??= { count: 0, ms: NaN, inputBytes: NaN });
        entry.count += 1;
      }
      if (e.childWorkflowExecutionStartedEventAttributes) {
        const initiated = byId.get(Number(e.childWorkflowExecutionStartedEventAttributes.initiatedEventId));
        if (initiated) profile.childStartMs += ms(e) - ms(initiated);
        const signal = slice.find((x) => Number(x.eventId) > Number(e.eventId) && x.workflowExecutionSignaledEventAttributes);
        if (signal) profile.childReportMs += ms(signal) - ms(e);
      }
    }
    profiles.push(profile);
  }
  return profiles;
}

/** Mean of each component over several profiles. */
export interface ProfileSummary {
  n: number;
  totalMs: number;
  workflowTaskQueueMs: number;
  workflowTaskRunMs: number;
  workflowTasks: number;
  childStartMs: number;
  childReportMs: number;
  activities: Record<string, { perUpdate: number; ms: number; inputBytes: number }>;
}

export function summarise(profiles: UpdateProfile[]): ProfileSummary {
  const n = profiles.length || 1;
  const activities: Record<string, { perUpdate: number; ms: number; inputBytes: number }> = {};
  for (const p of profiles) {
    for (const [name, a] of Object.entries(p.activities)) {
      const entry = (activities[name] ??= { perUpdate: 0, ms: 0, inputBytes: 0 });
      entry.perUpdate += a.count / n;
      entry.ms += a.ms / n;
      entry.inputBytes += a.count ? a.inputBytes / a.count / n : 0;
    }
  }
  const mean = (f: (p: UpdateProfile) => number) => profiles.reduce((s, p) => s + f(p), 0) / n;
  return {
    n: profiles.length,
    totalMs: mean((p) => p.totalMs),
    workflowTaskQueueMs: mean((p) => p.workflowTaskQueueMs),
    workflowTaskRunMs: mean((p) => p.workflowTaskRunMs),
    workflowTasks: mean((p) => p.workflowTasks),
    childStartMs: mean((p) => p.childStartMs),
    childReportMs: mean((p) => p.childReportMs),
    activities,
  };
}

export function describe(s: ProfileSummary): string {
  const parts = [
    `${s.totalMs.toFixed(1)} ms server-side (mean of ${s.n}, history timestamps)`,
    `${s.workflowTasks.toFixed(1)} workflow tasks (${s.workflowTaskQueueMs.toFixed(1)} ms queued, ${s.workflowTaskRunMs.toFixed(1)} ms running on the worker)`,
    ...Object.entries(s.activities).map(([name, a]) =>
      Number.isNaN(a.ms) ? `${name} ×${a.perUpdate.toFixed(1)}` : `${name} ×${a.perUpdate.toFixed(1)}: ${a.ms.toFixed(1)} ms scheduled→completed, input ${(a.inputBytes / 1024).toFixed(1)} KiB`,
    ),
  ];
  if (s.childStartMs || s.childReportMs) parts.push(`child workflows: ${s.childStartMs.toFixed(1)} ms start requested→started, ${s.childReportMs.toFixed(1)} ms started→first report`);
  return parts.join('; ');
}

/** One timer firing, read from history: how late the server fired it, then the workflow task it woke. */
export interface TimerFiring {
  /** TimerFired − (TimerStarted + startToFireTimeout). */
  firedLateMs: number;
  /** TimerFired → the next workflow task started (waiting for a worker). */
  queuedMs: number;
  /** That workflow task, started → completed (activations and local activities on the worker). */
  runningMs: number;
}

export function profileTimerFirings(events: HistoryEvent[]): TimerFiring[] {
  const started = new Map<string, number>();
  const firings: TimerFiring[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const start = e.timerStartedEventAttributes;
    if (start) {
      const timeout = start.startToFireTimeout;
      started.set(start.timerId ?? '', ms(e) + Number(timeout?.seconds ?? 0) * 1000 + Math.floor((timeout?.nanos ?? 0) / 1e6));
    }
    const fired = e.timerFiredEventAttributes;
    if (!fired) continue;
    const due = started.get(fired.timerId ?? '');
    const taskStarted = events.slice(i + 1).find((x) => x.workflowTaskStartedEventAttributes);
    const taskCompleted = taskStarted && events.find((x) => Number(x.workflowTaskCompletedEventAttributes?.startedEventId ?? -1) === Number(taskStarted.eventId));
    if (due === undefined || !taskStarted || !taskCompleted) continue;
    firings.push({ firedLateMs: ms(e) - due, queuedMs: ms(taskStarted) - ms(e), runningMs: ms(taskCompleted) - ms(taskStarted) });
  }
  return firings;
}
