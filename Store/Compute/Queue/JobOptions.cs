namespace Store.Compute.Queue;

/// <summary>What the compute module (queue, job folders, built-in worker) needs from the host.</summary>
public sealed record JobOptions
{
    public required string ServerDir { get; init; }
    public required string MediaDir { get; init; }
    public IReadOnlyList<string> JobExternalRoots { get; init; } = [];
    public int WorkerTtlSeconds { get; init; } = 30;
    public int JobLeaseSeconds { get; init; } = 60;
    public int JobMaxRetries { get; init; } = 3;
    public int JobRetentionDays { get; init; } = 7;
    public bool BuiltinWorker { get; init; } = true;

    public string JobsDir => Path.Combine(ServerDir, "jobs");
}
