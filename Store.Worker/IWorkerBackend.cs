using System.Text.Json.Nodes;
using Store.Contracts;

namespace Store.Worker;

/// <summary>
/// How a worker talks to a store: over HTTP for <c>store worker</c> (<see cref="HttpWorkerBackend"/>), or straight
/// to the queue for the store's built-in worker (its LocalWorkerBackend, in Store/Compute/Builtin), which takes the same code path as the
/// HTTP endpoints. The run loop (<see cref="WorkerLoop"/>) and the tasks do not know which.
/// </summary>
public interface IWorkerBackend
{
    string WorkerId { get; }

    Task HeartbeatAsync(IReadOnlyList<string> capabilities, int idleCount, CancellationToken ct);

    /// <summary>The job now held, or null when none came within <paramref name="waitSeconds"/>.</summary>
    Task<Job?> ClaimAsync(IReadOnlyList<string> taskTypes, int waitSeconds, CancellationToken ct);

    /// <summary>Makes the job's inputs readable on this machine; <paramref name="scratchDir"/> is the job's private folder.</summary>
    Task<IReadOnlyList<TaskInput>> FetchInputsAsync(Job job, string scratchDir, CancellationToken ct);

    /// <summary>These throw <see cref="JobLostException"/> when the store says the job is gone or not ours any more.</summary>
    Task ProgressAsync(string jobId, int progress, CancellationToken ct);
    Task CompleteAsync(string jobId, JsonObject taskOutput, IReadOnlyList<string> outputFiles, CancellationToken ct);
    Task FailAsync(string jobId, string errorMessage, CancellationToken ct);

    /// <summary>Called once when the worker stops.</summary>
    Task SignOffAsync(CancellationToken ct);
}

/// <summary>The store refused a report: the job was deleted, or its lease lapsed and it went back to the queue.</summary>
public sealed class JobLostException(string message) : Exception(message);

/// <summary>
/// The store refused the worker itself (401/403: no token, a bad or expired one, or one without
/// ai_inference_support). Retrying cannot help, so it ends the worker instead of being logged forever.
/// </summary>
public sealed class WorkerRefusedException(string message) : Exception(message);
