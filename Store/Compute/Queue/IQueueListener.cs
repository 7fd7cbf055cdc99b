using Store.Contracts;
namespace Store.Compute.Queue;

/// <summary>A worker's heartbeat as the queue recorded it; <see cref="At"/> is epoch ms.</summary>
public sealed record WorkerBeat(string WorkerId, IReadOnlyList<string> Capabilities, int IdleCount, long At);

/// <summary>
/// Told of each change the queue commits, with the state it committed: every new state of a job (created, claimed,
/// progress, completed, failed, returned to pending or failed by a lapsed lease), every heartbeat, every sign-off.
/// <see cref="JobSignals"/> only wakes waiters, who re-read and may see two quick changes as one; a listener sees
/// each. The queue calls listeners after the commit while still holding its write gate, so they hear changes in
/// commit order: a listener must hand the news on and return at once. It hears what this instance committed, never
/// another instance's changes (those are published by the instance that made them: README, "Several instances"). What it throws is logged, never felt by the
/// request.
/// </summary>
public interface IQueueListener
{
    void JobChanged(Job job);

    void WorkerHeard(WorkerBeat beat);

    void WorkerLeft(string workerId);
}
