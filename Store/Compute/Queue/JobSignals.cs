namespace Store.Compute.Queue;

/// <summary>
/// Wakes whoever waits for the queue to change: event streams re-read their job, long-polling
/// claims try again. One signal for all jobs keeps it simple; waiters re-check what they care about.
/// Take <see cref="Next"/> before reading the database so a change in between is never missed. The queue fires it
/// after each commit of its own; on PostgreSQL a change committed by another instance fires it too, through the jobs
/// table's NOTIFY (<see cref="Data.PostgresListener"/>), which also repeats this instance's own changes: a waiter may
/// wake twice for one change and finds nothing new the second time.
/// </summary>
public sealed class JobSignals
{
    TaskCompletionSource _next = NewSource();

    public Task Next => Volatile.Read(ref _next).Task;

    public void Changed() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    /// <summary>Waits for the next change, the timeout or cancellation, whichever comes first; never throws.</summary>
    public static async Task WaitAsync(Task next, TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        if (timeout <= TimeSpan.Zero || ct.IsCancellationRequested) return;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(timeout, clock, stop.Token);
        await Task.WhenAny(next, delay);
        await stop.CancelAsync();
    }

    static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
